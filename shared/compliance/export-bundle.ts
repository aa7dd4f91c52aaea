/**
 * The DSAR export bundle (GDPR Art. 15 and Art. 20: "in a structured, commonly used and
 * machine-readable format"): one JSON document with every ticket of the requester (fields,
 * activity, messages including staff notes about them, attachments with their content), their
 * billing appeals and their other data subject requests. Pure: the caller gathers the records.
 */
import { createHash } from 'node:crypto';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Message, Ticket } from '../tickets/model.ts';
import type { BillingAppeal } from './billing-appeal.ts';
import type { Dsar } from './dsar.ts';
import type { Actor } from './records.ts';

export const EXPORT_FORMAT = 'tierdesk-dsar-export/1';

export interface AttachmentExport {
  id: string;
  ticketId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  dataClass: string;
  createdAt: string;
  contentBase64: string | null;
}

export interface TicketExport {
  ticket: Ticket;
  activity: TicketActivity[];
  messages: Message[];
  attachments: AttachmentExport[];
  /** Other records kept with the ticket (e.g. survey answers), as stored. */
  otherRecords?: Array<Record<string, unknown>>;
}

export interface ExportBundle {
  format: typeof EXPORT_FORMAT;
  request: { id: string; desk: string; kind: string; receivedAt: string; dueAt: string };
  subject: { email: string; name?: string };
  generatedAt: string;
  approvedBy: Actor;
  counts: { tickets: number; messages: number; attachments: number; billingAppeals: number; dsars: number };
  tickets: TicketExport[];
  billingAppeals: Array<Omit<BillingAppeal, 'identity' | 'notices' | 'version'>>;
  dataSubjectRequests: Array<
    Pick<Dsar, 'id' | 'kind' | 'channel' | 'status' | 'receivedAt' | 'dueAt' | 'fulfilledAt'>
  >;
}

export function buildExportBundle(input: {
  dsar: Dsar;
  tickets: TicketExport[];
  appeals: BillingAppeal[];
  otherRequests: Dsar[];
  approvedBy: Actor;
  now: Date;
}): { bundle: ExportBundle; body: string; sha256: string; bytes: number } {
  const { dsar } = input;
  const tickets = [...input.tickets]
    .sort((a, b) => a.ticket.createdAt.localeCompare(b.ticket.createdAt))
    .map((t) => ({
      ...t,
      messages: [...t.messages].sort((a, b) => a.id.localeCompare(b.id)),
      attachments: [...t.attachments].sort((a, b) => a.id.localeCompare(b.id)),
    }));
  const bundle: ExportBundle = {
    format: EXPORT_FORMAT,
    request: {
      id: dsar.id,
      desk: dsar.desk,
      kind: dsar.kind,
      receivedAt: dsar.receivedAt,
      dueAt: dsar.dueAt,
    },
    subject: dsar.requester,
    generatedAt: input.now.toISOString(),
    approvedBy: input.approvedBy,
    counts: {
      tickets: tickets.length,
      messages: tickets.reduce((n, t) => n + t.messages.length, 0),
      attachments: tickets.reduce((n, t) => n + t.attachments.length, 0),
      billingAppeals: input.appeals.length,
      dsars: input.otherRequests.length + 1,
    },
    tickets,
    billingAppeals: input.appeals.map(({ identity: _i, notices: _n, version: _v, ...appeal }) => appeal),
    dataSubjectRequests: [dsar, ...input.otherRequests].map((d) => ({
      id: d.id,
      kind: d.kind,
      channel: d.channel,
      status: d.status,
      receivedAt: d.receivedAt,
      dueAt: d.dueAt,
      ...(d.fulfilledAt ? { fulfilledAt: d.fulfilledAt } : {}),
    })),
  };
  const body = `${JSON.stringify(bundle, null, 2)}\n`;
  const bytes = Buffer.byteLength(body, 'utf8');
  return { bundle, body, bytes, sha256: createHash('sha256').update(body).digest('hex') };
}
