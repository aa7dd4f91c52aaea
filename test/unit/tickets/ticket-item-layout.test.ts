import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { OutboundMail } from '#shared/notices/outbound.ts';
import {
  attributeBytes,
  mailCheckSpent,
  noteOfItem,
  planCopyOut,
  withMovedRecords,
} from '#shared/store/ticket-item-layout.ts';
import {
  activityFromItems,
  erasedActivityItem,
  movedRecordsFromItems,
  type TicketActivity,
} from '#shared/tickets/activity.ts';
import type { SlaActionRecord } from '#shared/workflow/model.ts';

const entry = (n: number): TicketActivity => ({
  at: `2026-03-06T15:${String(n).padStart(2, '0')}:00.000Z`,
  by: 'a1',
  type: 'status-changed',
  from: 'new',
  to: 'open',
  reason: `reason ${n}`,
});
const mail = (id: string, status: OutboundMail['status']): OutboundMail => ({
  id,
  kind: 'notice',
  audience: 'customer',
  template: 'techflow-acknowledgement',
  summary: 'acknowledgement to the customer',
  at: '2026-03-06T15:00:00.000Z',
  queuedAt: '2026-03-06T15:00:00.000Z',
  status,
  attempts: status === 'pending' ? 0 : 1,
  ...(status === 'sent' ? { sentAt: '2026-03-06T15:00:02.000Z', to: ['c1@example.com'] } : {}),
});
const action = (id: string): SlaActionRecord => ({
  id,
  kind: 'notify',
  at: '2026-03-06T15:00:00.000Z',
  appliedAt: '2026-03-06T15:00:00.000Z',
  rule: 'acknowledgement',
  summary: 'acknowledgement to the customer',
});
const ticketItem = (extra: Record<string, unknown> = {}) => ({
  pk: 'DESK#techflow#TICKET#01J00000000000000000000001',
  sk: 'TICKET',
  kind: 'ticket',
  id: '01J00000000000000000000001',
  subject: 'Cannot log in to the billing portal',
  version: 7,
  tags: [],
  assignee: null,
  activity: [entry(1), entry(2)],
  activityStart: 4,
  outbox: [mail('notify:ack', 'sent'), mail('reply:1', 'pending')],
  sla: { actions: [action('notify:ack')], nextCheckpoint: null, packVersion: '3' },
  requesterMailCheck: { checkedAt: '2026-03-06T15:00:00.000Z' },
  ...extra,
});

/** DynamoDB's own item size (dynalite implements the published rules) of a plain item. */
const { itemSize } = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize: (item: Record<string, unknown>) => number;
};
const attributeValue = (v: unknown): Record<string, unknown> => {
  if (v === null) return { NULL: true };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map(attributeValue) };
  return { M: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, attributeValue(x)])) };
};

describe('ticket item size', () => {
  it('estimates an item within 3% of DynamoDB’s count', () => {
    const item = ticketItem();
    const exact = itemSize(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, attributeValue(v)])));
    expect(Math.abs(attributeBytes(item) - exact) / exact).toBeLessThan(0.03);
  });
});

describe('the store’s note of the item', () => {
  it('lists settled mail and applied actions still in full, not pending mail or stubs', () => {
    const item = ticketItem({
      outbox: [
        mail('notify:ack', 'sent'),
        mail('reply:1', 'pending'),
        { id: 'reply:0', status: 'sent', moved: true },
      ],
      sla: {
        actions: [{ id: 'breach:1', moved: true }, action('notify:ack')],
        nextCheckpoint: null,
        packVersion: '3',
      },
    });
    const note = noteOfItem(item, { start: 4, count: 6 }, item.outbox as OutboundMail[]);
    expect(note.movableOutbox?.map((m) => m.index)).toEqual([0]);
    expect(note.slaActionIds).toEqual(['breach:1', 'notify:ack']);
    expect(note.movableSlaActions?.map((a) => a.id)).toEqual(['notify:ack']);
    expect(note.outboxLength).toBe(3);
    expect(note.mailCheck).toEqual({ checkedAt: '2026-03-06T15:00:00.000Z', customerMailed: true });
  });
});

describe('copy-out plan', () => {
  const activity = [entry(0), entry(1), entry(2), entry(3), entry(4), entry(5), entry(6)];
  const item = ticketItem();
  const note = noteOfItem(item, { start: 4, count: 6 }, item.outbox as OutboundMail[]);

  it('keeps buffering while the item stays within its two KB with room for the workflow', () => {
    expect(planCopyOut(activity, { ...note, itemBytes: 900 })).toBeUndefined();
  });

  it('copies the buffer, settled mail and applied actions out once they would cost another KB', () => {
    const plan = planCopyOut(activity, { ...note, itemBytes: 1900 });
    expect(plan).toMatchObject({
      start: 4,
      entries: [entry(4), entry(5)],
      outbox: [mail('notify:ack', 'sent')],
      slaActions: [action('notify:ack')],
      outboxStubs: [{ index: 0, stub: { id: 'notify:ack', status: 'sent', moved: true } }],
      slaActionStubs: [{ id: 'notify:ack', moved: true }],
      activityStart: 6,
    });
  });

  it('lets the buffer fill the KB an item above two KB pays anyway (a long task token)', () => {
    expect(planCopyOut(activity, { ...note, itemBytes: 2350 })).toBeUndefined();
    expect(planCopyOut(activity, { ...note, itemBytes: 3000 })).toBeDefined();
  });

  it('without the store’s note copies whatever it is told is buffered (the item’s size unknown)', () => {
    expect(planCopyOut(activity, { start: 0, count: 6 })?.entries).toHaveLength(6);
    expect(planCopyOut(activity)).toBeUndefined();
  });
});

describe('reading the moved records back', () => {
  it('puts full records in place of stubs and keeps the rest as they are', () => {
    const full = mail('notify:ack', 'sent');
    const moved = new Map([[full.id, full]]);
    const pending = mail('reply:1', 'pending');
    const orphan = { id: 'reply:9', status: 'sent', moved: true } as unknown as OutboundMail;
    expect(
      withMovedRecords([{ id: full.id, status: 'sent', moved: true } as never, pending, orphan], moved),
    ).toEqual([full, pending, orphan]);
  });

  it('reads both activity layouts: single-entry items, chunks, and the buffer on the item', () => {
    const items = [
      { kind: 'activity', seq: 0, entry: entry(0), movedAtVersion: 2 },
      { kind: 'activity', seq: 1, entry: entry(1), movedAtVersion: 3 },
      // A chunk over numbers a single-entry item already holds: the newer read wins, with the same entries.
      { kind: 'activity', seq: 1, entries: [entry(1), entry(2), entry(3)], movedAtVersion: 5 },
      // Written by a change that lost its commit: numbered from activityStart on, ignored.
      { kind: 'activity', seq: 4, entries: [entry(40)], movedAtVersion: 6 },
    ];
    const item = ticketItem({ activity: [entry(4), entry(5)], activityStart: 4 });
    expect(activityFromItems(item, items)).toEqual([0, 1, 2, 3, 4, 5].map(entry));
  });

  it('finds moved mail and actions by id, the newest copy winning', () => {
    const erased = { ...mail('notify:ack', 'sent'), to: undefined };
    const items = [
      {
        kind: 'activity',
        seq: 0,
        entries: [],
        outbox: [mail('notify:ack', 'sent')],
        slaActions: [action('a')],
        movedAtVersion: 2,
      },
      { kind: 'activity', seq: 2, entries: [], outbox: [erased], movedAtVersion: 9 },
    ];
    // A chunk at the item's activityStart (its entries not committed yet): its records are facts all the same.
    items.push({
      kind: 'activity',
      seq: 4,
      entries: [],
      outbox: [],
      slaActions: [action('b')],
      movedAtVersion: 7,
    });
    const moved = movedRecordsFromItems(items);
    expect(moved.slaActions.get('b')).toEqual(action('b'));
    expect(moved.outbox.get('notify:ack')).toEqual(erased);
    expect(moved.slaActions.get('a')).toEqual(action('a'));
  });

  it('erases a chunk’s entries and mail records, and a single-entry item’s entry', () => {
    const anonymise = (entries: TicketActivity[]) => entries.map((e) => ({ ...e, by: 'erased' }));
    const dropTo = ({ to: _to, ...m }: Record<string, unknown>) => m;
    const chunk = { kind: 'activity', seq: 0, entries: [entry(0)], outbox: [mail('notify:ack', 'sent')] };
    expect(erasedActivityItem(chunk, anonymise, dropTo)).toEqual({
      ...chunk,
      entries: [{ ...entry(0), by: 'erased' }],
      outbox: [dropTo(mail('notify:ack', 'sent') as never)],
    });
    const single = { kind: 'activity', seq: 0, entry: entry(0) };
    expect(erasedActivityItem(single, anonymise, dropTo)).toEqual({
      ...single,
      entry: { ...entry(0), by: 'erased' },
    });
    expect(erasedActivityItem(single, (e) => e, dropTo)).toBeUndefined();
  });
});

describe('intake’s suppression look-up', () => {
  const note = {
    start: 0,
    count: 1,
    mailCheck: { checkedAt: '2026-03-06T15:00:00.000Z', customerMailed: false },
  };
  it('stays for the first mail within five minutes of intake and goes after', () => {
    expect(mailCheckSpent(note, '2026-03-06T15:04:59.000Z')).toBe(false);
    expect(mailCheckSpent(note, '2026-03-06T15:05:00.000Z')).toBe(true);
    expect(
      mailCheckSpent(
        { ...note, mailCheck: { ...note.mailCheck, customerMailed: true } },
        '2026-03-06T15:01:00.000Z',
      ),
    ).toBe(true);
    expect(mailCheckSpent({ start: 0, count: 1 }, '2026-03-06T16:00:00.000Z')).toBe(false);
  });
});
