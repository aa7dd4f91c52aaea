import type { OutboundMail } from '../notices/outbound.ts';
import { INTAKE_CHECK_FRESH_MS } from '../notices/outbound.ts';
import type { TicketActivity, TicketItemNote } from '../tickets/activity.ts';
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
export const WORKFLOW_HEADROOM_BYTES = 256;

type Stub = { id: string; moved: true };
type OutboxStub = Stub & { status: OutboundMail['status'] };

const isStub = (record: unknown): boolean => (record as { moved?: unknown } | null)?.moved === true;

export const outboxStub = (m: OutboundMail): OutboxStub => ({ id: m.id, status: m.status, moved: true });

/** Records as readers see them: each stub replaced by its moved full record (kept as is if none). */
export function withMovedRecords<T extends { id: string }>(onItem: readonly T[], moved: Map<string, T>): T[] {
  return onItem.map((r) => (isStub(r) ? (moved.get(r.id) ?? r) : r));
}

/**
 * The store's note of the item as read (see `TicketItemNote`): the activity numbering, the item's size,
 * the records still on it in full that may move (settled mail, applied actions), intake's look-up.
 */
export function noteOfItem(
  item: Record<string, unknown>,
  activity: { start: number; count: number },
  outboxAsRead: readonly OutboundMail[],
): TicketItemNote {
  const outbox = (Array.isArray(item.outbox) ? item.outbox : []) as OutboundMail[];
  const actions = ((item.sla as { actions?: unknown } | undefined)?.actions ?? []) as SlaActionRecord[];
  const check = item.requesterMailCheck as { checkedAt?: unknown } | undefined;
  return {
    ...activity,
    itemBytes: attributeBytes(item),
    outboxLength: outbox.length,
    movableOutbox: outbox.flatMap((record, index) =>
      !isStub(record) && record.status !== 'pending' ? [{ index, record }] : [],
    ),
    slaActionIds: actions.map((a) => a.id),
    movableSlaActions: actions.filter((a) => !isStub(a)),
    ...(typeof check?.checkedAt === 'string'
      ? {
          mailCheck: {
            checkedAt: check.checkedAt,
            customerMailed: outboxAsRead.some((m) => m.audience === 'customer' && m.status !== 'pending'),
          },
        }
      : {}),
  };
}

interface CopyOut {
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
 * Whether a change's commit copies the buffer out, and what. Without the store's note (a caller that
 * built the ticket itself) nothing is known to be on the item but the change's own entries.
 */
export function planCopyOut(
  activity: readonly TicketActivity[],
  note: TicketItemNote = { start: 0, count: 0 },
): CopyOut | undefined {
  const buffered = activity.slice(note.start, note.count);
  const added = activity.slice(note.count);
  const outbox = (note.movableOutbox ?? []).map((m) => m.record);
  const actions = note.movableSlaActions ?? [];
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
    outboxStubs: (note.movableOutbox ?? []).map(({ index, record }) => ({ index, stub: outboxStub(record) })),
    slaActionStubs: actions.length ? (note.slaActionIds ?? []).map((id) => ({ id, moved: true })) : undefined,
    activityStart: note.count,
  };
}

/**
 * Intake's suppression look-up stands in for the first mail's own read only within minutes of intake
 * and before any mail to the customer went out; after that it is dead weight on the item.
 */
export function mailCheckSpent(note: TicketItemNote | undefined, changedAt: string): boolean {
  if (!note?.mailCheck) return false;
  const age = Date.parse(changedAt) - Date.parse(note.mailCheck.checkedAt);
  return age >= INTAKE_CHECK_FRESH_MS || note.mailCheck.customerMailed;
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
