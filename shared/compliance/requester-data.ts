/**
 * A requester's tickets as the DSAR export and erasure see them: whole ticket partitions (ticket,
 * messages, attachments, and whatever else other modules keep there), with their S3 objects.
 */

import { objectKeysOf } from '../objects/keys.ts';
import type { ObjectStore } from '../objects/ports.ts';
import {
  ACTIVITY_ITEM_KIND,
  activityFromItems,
  erasedActivityItem,
  type TicketActivity,
} from '../tickets/activity.ts';
import type { Message, Ticket } from '../tickets/model.ts';
import type { TicketReader } from '../tickets/ports.ts';
import { ERASED_TEXT, eraseMessage, eraseTicket, requesterIds } from './erasure.ts';
import type { AttachmentExport, TicketExport } from './export-bundle.ts';
import type { RetentionStore } from './ports.ts';

/**
 * Bookkeeping the ticket item carries beside the ticket (the store's `toStored` splits them off the
 * same way): the history (exported from its own items), the SLA and workflow state, the mail log, the
 * KPI share and its pending change, and intake's suppression look-up. None is the requester's data.
 */
const TICKET_INTERNALS = [
  'activity',
  'activityStart',
  'sla',
  'workflow',
  'outbound',
  'outbox',
  'kpi',
  'kpiChange',
  'requesterMailCheck',
];
const MAX_ATTEMPTS = 5;
/** Ticket attributes where the mail module keeps the ticket's outbound mail (entries carry `to`). */
const MAIL_LOGS = ['outbox', 'outbound'] as const;

/** The item's own fields (the store drops its key attributes), without `extra`. */
function strip(
  retention: RetentionStore,
  item: Record<string, unknown>,
  extra: string[] = [],
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(retention.fieldsOf(item)).filter(([k]) => !extra.includes(k)));
}

/** Every ticket the requester opened (the byRequester index), all pages. */
export async function listRequesterTickets(
  tickets: TicketReader,
  desk: string,
  email: string,
): Promise<Ticket[]> {
  const out: Ticket[] = [];
  let cursor: string | undefined;
  do {
    const page = await tickets.listTickets({ desk, requesterEmail: email, limit: 100, cursor });
    out.push(...page.tickets);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export async function exportRequesterTicket(
  deps: { retention: RetentionStore; objects: ObjectStore },
  desk: string,
  ticketId: string,
): Promise<TicketExport | undefined> {
  const items = await deps.retention.ticketPartition(desk, ticketId);
  const ticketItem = items.find((i) => i.sk === 'TICKET');
  if (!ticketItem) return undefined;
  const ticket = strip(deps.retention, ticketItem, TICKET_INTERNALS) as Ticket;
  const activity = activityFromItems(ticketItem, items);
  const committed = new Set(activity.flatMap((a) => ('messageId' in a ? [a.messageId] : [])));
  committed.add(ticketId);
  const messages: Message[] = [];
  const attachments: AttachmentExport[] = [];
  const otherRecords: Array<Record<string, unknown>> = [];
  for (const item of items) {
    if (item.sk === 'TICKET' || item.kind === ACTIVITY_ITEM_KIND) continue;
    if (item.kind === 'message') {
      if (!committed.has(item.id as string)) continue;
      const body =
        typeof item.bodyRef === 'string'
          ? ((await deps.objects.get(item.bodyRef))?.toString('utf8') ?? '')
          : String(item.body ?? '');
      const message = { ...strip(deps.retention, item, ['bodyRef', 'body']), body } as Message;
      messages.push(message);
      for (const [i, a] of (message.attachments ?? []).entries()) {
        if (!a.key) continue;
        const content = await deps.objects.get(a.key);
        attachments.push({
          id: `${message.id}-${i + 1}`,
          ticketId,
          filename: a.filename,
          contentType: a.contentType,
          size: a.size,
          sha256: a.sha256 ?? '',
          dataClass: 'email-attachment',
          createdAt: message.createdAt,
          contentBase64: content ? content.toString('base64') : null,
        });
      }
    } else if (item.kind === 'attachment') {
      const content = await deps.objects.get(item.objectKey as string);
      attachments.push({
        id: item.id as string,
        ticketId,
        filename: item.filename as string,
        contentType: item.contentType as string,
        size: item.size as number,
        sha256: item.sha256 as string,
        dataClass: item.dataClass as string,
        createdAt: item.createdAt as string,
        contentBase64: content ? content.toString('base64') : null,
      });
    } else {
      otherRecords.push(strip(deps.retention, item));
    }
  }
  return { ticket, activity, messages, attachments, ...(otherRecords.length ? { otherRecords } : {}) };
}

export interface TicketErasureCounts {
  messages: number;
  attachments: number;
  objects: number;
}

/**
 * Erases one ticket of the requester: S3 objects first (bodies, attachments, HTML), then message
 * bodies and authorship, attachment items and other records in the partition, and last the ticket
 * item (subject, requester, ids in the activity log), conditional on its version and with the version
 * raised, so no writer holding an older copy can put the old values back. Idempotent.
 */
export async function eraseRequesterTicket(
  deps: { retention: RetentionStore; objects: ObjectStore },
  desk: string,
  ticketId: string,
  placeholderEmail: string,
): Promise<TicketErasureCounts> {
  const counts: TicketErasureCounts = { messages: 0, attachments: 0, objects: 0 };
  for (let attempt = 1; ; attempt++) {
    const items = await deps.retention.ticketPartition(desk, ticketId);
    const ticketItem = items.find((i) => i.sk === 'TICKET');
    if (!ticketItem) return counts;
    const ticket = strip(deps.retention, ticketItem, TICKET_INTERNALS) as Ticket;
    const ids = requesterIds(ticket);
    // Files and other records go below: their days are counted again for the retention totals.
    await deps.retention.markCountsStale(
      desk,
      items
        .filter((i) => i.sk !== 'TICKET' && i.kind !== 'message')
        .flatMap((i) => deps.retention.indexedDayOf(i) ?? []),
    );
    for (const item of items) {
      if (item.sk === 'TICKET') continue;
      for (const key of objectKeysOf(item)) {
        await deps.objects.delete(key);
        counts.objects++;
      }
      const key = { pk: item.pk as string, sk: item.sk as string };
      if (item.kind === ACTIVITY_ITEM_KIND) {
        // Entries (and mail records) moved off the ticket item: rewritten in place, stamped with the
        // erasure's version so no writer holding an older read can copy the old ones back over them.
        const erased = erasedActivityItem(
          item,
          (entries) => eraseTicket(ticket, entries, placeholderEmail).activity,
          eraseOutbound,
        );
        if (erased) await deps.retention.putItem({ ...erased, ...key, movedAtVersion: ticket.version + 1 });
        continue;
      }
      if (item.kind === 'message') {
        if (item.body === ERASED_TEXT && !item.bodyRef && !item.attachments && !item.email) continue;
        const { bodyRef: _ref, attachments: _att, email: _email, ...rest } = item;
        const erased = eraseMessage(rest as unknown as Message, ids);
        await deps.retention.putItem({ ...rest, ...key, body: erased.body, author: erased.author });
        counts.messages++;
      } else {
        if (await deps.retention.deleteItem(key)) {
          if (item.kind === 'attachment') counts.attachments++;
        }
      }
    }
    // The entries still on the ticket item (the others were rewritten above).
    const erased = eraseTicket(ticket, (ticketItem.activity ?? []) as TicketActivity[], placeholderEmail);
    const outboundClean = MAIL_LOGS.every(
      (log) =>
        !Array.isArray(ticketItem[log]) ||
        (ticketItem[log] as Array<Record<string, unknown>>).every((o) => o.to === undefined),
    );
    if (
      ticket.subject === erased.ticket.subject &&
      ticket.requester.email === placeholderEmail &&
      outboundClean
    )
      return counts;
    const { gsi2pk: _g2, gsi2sk: _s2, ...kept } = ticketItem;
    // Outbound mail of the ticket (shared/notices/outbound.ts): addresses go, unsent mail is not sent.
    for (const log of MAIL_LOGS) {
      if (Array.isArray(kept[log]))
        kept[log] = (kept[log] as Array<Record<string, unknown>>).map(eraseOutbound);
    }
    const written = await deps.retention.putItem(
      {
        ...kept,
        pk: ticketItem.pk as string,
        sk: 'TICKET',
        subject: erased.ticket.subject,
        requester: erased.ticket.requester,
        activity: erased.activity,
        version: ticket.version + 1,
      },
      ticket.version,
    );
    if (written) return counts;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`ticket ${ticketId} kept changing during erasure`);
  }
}

/** One outbound mail entry of an erased ticket: no recipients, no error text; pending mail is dropped. */
function eraseOutbound(entry: Record<string, unknown>): Record<string, unknown> {
  const { to: _to, reason: _reason, ...rest } = entry;
  return rest.status === 'pending' || rest.status === 'failed'
    ? { ...rest, status: 'skipped', reason: 'requester erased (DSAR)' }
    : { ...rest, ...(entry.reason !== undefined ? { reason: 'erased' } : {}) };
}
