import { describe, expect, it } from 'vitest';
import { planClassTotal, sealableThrough } from '#shared/compliance/retention-counts.ts';

describe('retention totals from per-day counts', () => {
  const days = [
    { day: '2031-01-01', count: 4, fresh: true },
    { day: '2031-01-02', count: 9, fresh: false },
    { day: '2031-01-03', count: 2, fresh: true },
    { day: '2031-01-05', count: 7, fresh: true },
  ];

  it('adds fresh days before the cut-off day, counts stale days and the cut-off day from the index', () => {
    const plan = planClassTotal({ sealedThrough: '2031-01-10', days }, '2031-01-05T12:00:00.000Z');
    expect(plan.counted).toBe(6);
    expect(plan.live).toEqual([
      { kind: 'day', day: '2031-01-02' },
      { kind: 'from', from: '2031-01-05' },
    ]);
  });

  it('counts from the day after the last sealed one when the cut-off lies beyond it', () => {
    const plan = planClassTotal({ sealedThrough: '2031-01-03', days }, '2031-01-20T00:00:00.000Z');
    expect(plan.counted).toBe(6); // 01-05 is not sealed: it is in the live range
    expect(plan.live.at(-1)).toEqual({ kind: 'from', from: '2031-01-04' });
  });

  it('counts everything from the index while nothing is sealed', () => {
    expect(planClassTotal({ sealedThrough: null, days: [] }, '2031-01-20T00:00:00.000Z')).toEqual({
      counted: 0,
      live: [{ kind: 'from', from: '' }],
    });
  });

  it('seals a day only once it is over by two days', () => {
    expect(sealableThrough(new Date('2031-01-10T00:30:00.000Z'))).toBe('2031-01-07');
  });
});
