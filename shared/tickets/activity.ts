import type { OutboundMail } from '../notices/outbound.ts';
import type { SlaActionRecord } from '../workflow/model.ts';
import type { Channel, Priority, Status } from './model.ts';

/**
 * What happened to a ticket, in order. The latest change's entries are written on the ticket item in
 * the same conditional update as the change they record, so they can never disagree with the ticket;
 * a later change moves them, a chunk at a time, to items of their own in the ticket's partition (see
 * `activityFromItems`). It is the input of the SLA engine: replaying it gives every clock's state at
 * any instant.
 */
export type TicketActivity = { at: string; by: string } & (
  | {
      type: 'ticket-created';
      priority: Priority;
      /** The customer's stated priority, when above what their plan may open (kept for triage). */
      requestedPriority?: Priority;
      plan: string;
      channel: Channel;
      status: Status;
    }
  | { type: 'customer-message'; messageId: string }
  | {
      type: 'agent-reply';
      visibility: 'public' | 'internal';
      messageId: string;
      /** Agent time spent on this update, as recorded by the agent (feeds average handle time). */
      timeSpentSeconds?: number;
    }
  | { type: 'status-changed'; from: Status; to: Status; reason?: string }
  | { type: 'priority-changed'; from: Priority; to: Priority; reason?: string }
  | { type: 'plan-changed'; from: string; to: string; reason?: string }
  | {
      type: 'tier-changed';
      from: number;
      to: number;
      /** Set when the SLA workflow made the change: the escalation action it applied. */
      actionId?: string;
      /** Set when staff loosened the promise and the pack asks for a reason. */
      reason?: string;
    }
  | {
      type: 'assignee-changed';
      from: string | null;
      to: string | null;
      /** The new assignee was on call when assigned (feeds a pack's on-call assignment target). */
      onCall?: boolean;
    }
);

export type TicketActivityType = TicketActivity['type'];

/**
 * The whole activity of a ticket from its partition's items. The ticket item holds the entries not yet
 * moved out (`activity`, numbered from `activityStart`; a ticket written before activity items existed
 * has them all and no `activityStart`); earlier entries are activity items: a chunk (`entries`, numbered
 * from its `seq`) or, from before chunks, one entry (`entry`) per item. Entries numbered from
 * `activityStart` on are ignored: the ticket item is the commit point, and an item written by a change
 * that lost its commit is copied over by the next one. Where two items cover a number (a chunk over
 * single-entry items a lost commit left), the one written from the newer read wins.
 */
export function activityFromItems(
  ticketItem: Record<string, unknown>,
  items: readonly Record<string, unknown>[],
): TicketActivity[] {
  const start = activityStartOf(ticketItem);
  const byNumber = new Map<number, TicketActivity>();
  for (const item of committedActivityItems(start, items)) {
    entriesOf(item).forEach((entry, i) => {
      const n = (item.seq as number) + i;
      if (n < start) byNumber.set(n, entry);
    });
  }
  const moved = [...byNumber.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
  return [...moved, ...((ticketItem.activity ?? []) as TicketActivity[])];
}

/**
 * Full records of settled mail and applied SLA actions that a copy-out moved from the ticket item to
 * an activity chunk (the ticket item keeps a stub under the same id), by id. Taken from every chunk,
 * committed or not: a record copied from a committed item is a fact whether or not the commit that
 * stubs it won; where copies differ, the one written from the newer read (an erasure's) wins.
 */
export function movedRecordsFromItems(items: readonly Record<string, unknown>[]): {
  outbox: Map<string, OutboundMail>;
  slaActions: Map<string, SlaActionRecord>;
} {
  const outbox = new Map<string, OutboundMail>();
  const slaActions = new Map<string, SlaActionRecord>();
  for (const item of committedActivityItems(Number.POSITIVE_INFINITY, items)) {
    for (const m of (item.outbox ?? []) as OutboundMail[]) outbox.set(m.id, m);
    for (const a of (item.slaActions ?? []) as SlaActionRecord[]) slaActions.set(a.id, a);
  }
  return { outbox, slaActions };
}

/** Activity items numbered below `start` (committed copy-outs), oldest read first (a newer copy wins). */
function committedActivityItems(start: number, items: readonly Record<string, unknown>[]) {
  return items
    .filter((i) => i.kind === ACTIVITY_ITEM_KIND && typeof i.seq === 'number' && i.seq < start)
    .sort((a, b) => Number(a.movedAtVersion ?? 0) - Number(b.movedAtVersion ?? 0));
}

/** The entries an activity item holds: a chunk's `entries` or a single-entry item's `entry`. */
export function entriesOf(item: Record<string, unknown>): TicketActivity[] {
  if (Array.isArray(item.entries)) return item.entries as TicketActivity[];
  return item.entry ? [item.entry as TicketActivity] : [];
}

/**
 * An activity item rewritten for an erasure (entries and moved mail records), or undefined when it holds
 * nothing to erase. Works on both layouts: a single-entry item keeps its `entry`.
 */
export function erasedActivityItem(
  item: Record<string, unknown>,
  eraseEntries: (entries: TicketActivity[]) => TicketActivity[],
  eraseMail: (entry: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> | undefined {
  const entries = eraseEntries(entriesOf(item));
  const rewritten: Record<string, unknown> = Array.isArray(item.entries)
    ? { ...item, entries }
    : { ...item, entry: entries[0] };
  if (Array.isArray(item.outbox))
    rewritten.outbox = (item.outbox as Array<Record<string, unknown>>).map(eraseMail);
  return JSON.stringify(rewritten) === JSON.stringify(item) ? undefined : rewritten;
}

/**
 * The store's note of a ticket item as read, opaque to the domain and handed back with a change: entries
 * from `start` to `count` are still on the item; its size; and what a copy-out may move off it (settled
 * mail by outbox index, applied SLA actions in full) or drop (intake's suppression look-up).
 */
export interface TicketItemNote {
  start: number;
  count: number;
  itemBytes?: number;
  outboxLength?: number;
  movableOutbox?: Array<{ index: number; record: OutboundMail }>;
  slaActionIds?: string[];
  movableSlaActions?: SlaActionRecord[];
  mailCheck?: { checkedAt: string; customerMailed: boolean };
}

/** Kind of the items that hold the moved-out activity (`seq`, and `entries` or, before chunks, `entry`). */
export const ACTIVITY_ITEM_KIND = 'activity';

/** Number of the first entry still on the ticket item (0: all of them, as before activity items). */
export function activityStartOf(ticketItem: Record<string, unknown>): number {
  return typeof ticketItem.activityStart === 'number' ? ticketItem.activityStart : 0;
}
