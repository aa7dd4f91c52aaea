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
import { phoneNumbersIn, type RequesterIdentifiers, withholdThirdPartyData } from './third-party-data.ts';

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

/** Something left out of the copy, and why: the bundle's manifest of withheld data. */
export interface WithheldEntry {
  ticketId: string;
  messageId?: string;
  field: string;
  what: string;
  reason: string;
}

export const THIRD_PARTY_REASON =
  "third parties' personal data: the copy must not adversely affect the rights and freedoms of others (GDPR Art. 15(4))";

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
  /** What was left out of this copy and why (empty when nothing was). */
  withheld: WithheldEntry[];
}

/**
 * The requester's own identifiers: their addresses, and phone numbers they wrote themselves in
 * their messages (those are theirs to get back).
 */
function requesterIdentifiers(dsar: Dsar, tickets: readonly TicketExport[]): RequesterIdentifiers {
  const emails = new Set([dsar.requester.email.toLowerCase()]);
  const phones = new Set<string>();
  for (const t of tickets) {
    emails.add(t.ticket.requester.email.toLowerCase());
    for (const m of t.messages)
      if (m.author.role === 'customer')
        for (const p of phoneNumbersIn(m.body)) phones.add(p.replace(/\D/g, ''));
  }
  return { emails: [...emails], phones: [...phones] };
}

/**
 * Internal notes are the requester's data too (they are about them), but other people's
 * addresses and phone numbers in them are withheld; the assignee's directory contact is staff
 * data, not the requester's.
 */
function withholdFromTicket(
  t: TicketExport,
  own: RequesterIdentifiers,
  withheld: WithheldEntry[],
): TicketExport {
  const { assigneeContact, ...ticket } = t.ticket;
  if (assigneeContact) {
    withheld.push({
      ticketId: ticket.id,
      field: 'ticket.assigneeContact',
      what: "the assigned staff member's directory address and name",
      reason: THIRD_PARTY_REASON,
    });
  }
  const messages = t.messages.map((m) => {
    if (m.visibility !== 'internal') return m;
    const result = withholdThirdPartyData(m.body, own);
    if (result.emails + result.phones === 0) return m;
    const what = [
      result.emails ? `${result.emails} email address${result.emails > 1 ? 'es' : ''}` : '',
      result.phones ? `${result.phones} phone number${result.phones > 1 ? 's' : ''}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    withheld.push({ ticketId: ticket.id, messageId: m.id, field: 'body', what, reason: THIRD_PARTY_REASON });
    return { ...m, body: result.text };
  });
  return { ...t, ticket, messages };
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
  const own = requesterIdentifiers(dsar, input.tickets);
  const withheld: WithheldEntry[] = [];
  const tickets = [...input.tickets]
    .sort((a, b) => a.ticket.createdAt.localeCompare(b.ticket.createdAt))
    .map((t) => ({
      ...t,
      messages: [...t.messages].sort((a, b) => a.id.localeCompare(b.id)),
      attachments: [...t.attachments].sort((a, b) => a.id.localeCompare(b.id)),
    }))
    .map((t) => withholdFromTicket(t, own, withheld));
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
    withheld,
  };
  const body = `${JSON.stringify(bundle, null, 2)}\n`;
  const bytes = Buffer.byteLength(body, 'utf8');
  return { bundle, body, bytes, sha256: createHash('sha256').update(body).digest('hex') };
}
