import type { OutboundMail } from '../notices/outbound.ts';
import { INTAKE_CHECK_FRESH_MS } from '../notices/outbound.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { StoredTicket } from '../tickets/ports.ts';
import type { SlaActionRecord } from '../workflow/model.ts';

/**
 * How the ticket item keeps its bookkeeping small (pure: the ticket store applies it). The item holds
 * what a write decides on: pending mail in full, and for settled mail and applied SLA actions a stub
 * with the id (and the mail's status) the planner and the outbox need. The full records move to the
 * ticket's activity chunk at a copy-out, beside the activity entries buffered on the item since the last
 * one; readers put them back (`withMovedRecords`). A copy-out happens only when keeping everything
 * would cost the item another KB of write units: the buffer rides in the slack of the KB it pays anyway.
 */

/** A write unit is one KB of the item; the item's goal is two. */
export const ITEM_TARGET_BYTES = 2048;
/** What the workflow's writes after a change add before the next copy-out (entries, actions, KPI change). */
export const WORKFLOW_HEADROOM_BYTES = 448;

type Stub = { id: string; moved: true };
export type OutboxStub = Stub & { status: OutboundMail['status'] };

const isStub = (record: unknown): boolean => (record as { moved?: unknown } | null)?.moved === true;

export const outboxStub = (m: OutboundMail): OutboxStub => ({ id: m.id, status: m.status, moved: true });
export const actionStub = (a: SlaActionRecord): Stub => ({ id: a.id, moved: true });

/** Records as readers see them: each stub replaced by its moved full record (kept as is if none). */
export function withMovedRecords<T extends { id: string }>(onItem: readonly T[], moved: Map<string, T>): T[] {
  return onItem.map((r) => (isStub(r) ? (moved.get(r.id) ?? r) : r));
}

/** Which of the item's records are still there in full and may move: settled mail, applied actions. */
export function movableRecords(item: Record<string, unknown>) {
  const outbox = (Array.isArray(item.outbox) ? item.outbox : []) as OutboundMail[];
  const actions = ((item.sla as { actions?: unknown } | undefined)?.actions ?? []) as SlaActionRecord[];
  return {
    outbox: outbox.flatMap((m, i) => (!isStub(m) && m.status !== 'pending' ? [i] : [])),
    slaActions: actions.flatMap((a, i) => (!isStub(a) ? [i] : [])),
    itemBytes: attributeBytes(item),
  };
}

export type ItemNote = NonNullable<StoredTicket['activityStored']>;

export interface CopyOut {
  /** The chunk: entries numbered from `start`, and the full records leaving the item. */
  start: number;
  entries: TicketActivity[];
  outbox: OutboundMail[];
  slaActions: SlaActionRecord[];
  /** What the item keeps in their place. */
  outboxStubs: Array<{ index: number; stub: OutboxStub }>;
  slaActionStubs: Stub[] | undefined;
  /** Number of the first entry left on the item. */
  activityStart: number;
}

/**
 * Whether a change's commit copies the buffer out, and what. `note` is the store's note of the item as
 * read; without one (a caller that built the ticket itself) the item is taken as read-compact.
 */
export function planCopyOut(stored: StoredTicket): CopyOut | undefined {
  const note: ItemNote = stored.activityStored ?? { start: 0, count: 0 };
  const buffered = stored.activity.slice(note.start, note.count);
  const added = stored.activity.slice(note.count);
  const outbox = (note.movableOutbox ?? []).flatMap((i) => stored.outbox?.[i] ?? []);
  const actions = note.movableSlaActions?.length ? (stored.sla?.actions ?? []) : [];
  if (!buffered.length && !outbox.length && !actions.length) return undefined;
  const movable = attributeBytes(buffered) + attributeBytes(outbox) + attributeBytes(actions);
  // What stays on the item whatever is decided, with this change's entries and the workflow's next write.
  const base = (note.itemBytes ?? 0) - movable + attributeBytes(added) + WORKFLOW_HEADROOM_BYTES;
  const limit = Math.max(ITEM_TARGET_BYTES, Math.ceil(base / 1024) * 1024);
  if (note.itemBytes !== undefined && base + movable <= limit) return undefined;
  return {
    start: note.start,
    entries: buffered,
    outbox,
    slaActions: actions,
    outboxStubs: (note.movableOutbox ?? []).flatMap((index) => {
      const m = stored.outbox?.[index];
      return m ? [{ index, stub: outboxStub(m) }] : [];
    }),
    slaActionStubs: actions.length ? actions.map(actionStub) : undefined,
    activityStart: note.count,
  };
}

/**
 * Intake's suppression look-up stands in for the first mail's own read only within minutes of intake
 * and before any mail to the customer went out; after that it is dead weight on the item.
 */
export function mailCheckSpent(stored: StoredTicket): boolean {
  const check = stored.requesterMailCheck;
  if (!check) return false;
  const age = Date.parse(stored.ticket.updatedAt) - Date.parse(check.checkedAt);
  const mailed = (stored.outbox ?? []).some((m) => m.audience === 'customer' && m.status !== 'pending');
  return age >= INTAKE_CHECK_FRESH_MS || mailed;
}

/**
 * Size of a value as DynamoDB counts it (UTF-8 strings, numbers by their digits, 3 bytes per map or list
 * plus 1 per element, attribute names by their length): close enough to decide on KB boundaries.
 */
export function attributeBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number')
    return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + 1 + attributeBytes(v), 3);
  return Object.entries(value as Record<string, unknown>).reduce(
    (n, [k, v]) => n + 1 + Buffer.byteLength(k) + attributeBytes(v),
    3,
  );
}
