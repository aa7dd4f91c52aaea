import { describe, expect, it } from 'vitest';
import { sendableEntries } from '#shared/notices/deliver.ts';
import { type OutboundMail, outcomeOf, pendingAfter } from '#shared/notices/outbound.ts';

const entry = (id: string, patch: Partial<OutboundMail> = {}): OutboundMail => ({
  id,
  kind: 'notice',
  audience: 'customer',
  at: '2030-01-07T15:00:00.000Z',
  queuedAt: '2030-01-07T15:00:00.000Z',
  status: 'pending',
  attempts: 0,
  ...patch,
});

describe('outbound entries a sender may take', () => {
  it('takes pending entries that wait for no retry and that no live lease holds', () => {
    const outbox = [
      entry('sent', { status: 'sent' }),
      entry('free'),
      entry('retry-later', { retryAt: '2030-01-07T16:00:00.000Z' }),
      entry('retry-due', { retryAt: '2030-01-07T14:00:00.000Z' }),
      entry('held', { claimedUntil: '2030-01-07T15:01:00.000Z' }),
      entry('lease-over', { claimedUntil: '2030-01-07T14:59:00.000Z' }),
    ];
    const taken = sendableEntries(outbox, '2030-01-07T15:00:00.000Z', '2030-01-07T15:00:00.000Z');
    expect(taken.map((t) => [t.index, t.entry.id])).toEqual([
      [1, 'free'],
      [3, 'retry-due'],
      [5, 'lease-over'],
    ]);
  });
});

describe('send outcomes', () => {
  it('are plain JSON: removed fields are listed, not undefined (they travel in the workflow state)', () => {
    const outcome = outcomeOf(2, 'a', { status: 'sent', claimedUntil: undefined, reason: undefined });
    expect(JSON.parse(JSON.stringify(outcome))).toEqual({
      index: 2,
      id: 'a',
      set: { status: 'sent' },
      remove: ['claimedUntil', 'reason'],
    });
  });

  it('leave the outbox pending while a retry or an untaken entry remains', () => {
    const outbox = [entry('a'), entry('b')];
    expect(
      pendingAfter(outbox, [outcomeOf(0, 'a', { status: 'sent' }), outcomeOf(1, 'b', { status: 'skipped' })]),
    ).toBe(false);
    expect(pendingAfter(outbox, [outcomeOf(0, 'a', { status: 'sent' })])).toBe(true);
    expect(
      pendingAfter(outbox, [
        outcomeOf(0, 'a', { status: 'sent' }),
        outcomeOf(1, 'b', { attempts: 1, retryAt: '2030-01-07T16:00:00.000Z' }),
      ]),
    ).toBe(true);
  });
});
