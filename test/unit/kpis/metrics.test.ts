import { describe, expect, it } from 'vitest';
import {
  aggregateKpis,
  backlogAgeOf,
  bucketIndexOf,
  csatOf,
  factsOf,
  type KpiTicket,
  npsOf,
  percentile,
  trendBuckets,
} from '#shared/kpis/metrics.ts';
import type { TicketActivity } from '#shared/tickets/activity.ts';

const T0 = '2031-03-03T09:00:00.000Z'; // a Monday
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

/** A ticket from a compact script: [minute, what]. */
function ticket(id: string, script: Array<[number, string, number?]>): KpiTicket {
  const activity: TicketActivity[] = [
    {
      at: T0,
      by: 'c',
      type: 'ticket-created',
      priority: 'normal',
      plan: 'p',
      channel: 'email',
      status: 'new',
    },
  ];
  let status: KpiTicket['status'] = 'new';
  for (const [minute, what, seconds] of script) {
    const when = at(minute);
    if (what === 'reply' || what === 'note') {
      activity.push({
        at: when,
        by: 'a',
        type: 'agent-reply',
        visibility: what === 'reply' ? 'public' : 'internal',
        messageId: `${id}-${minute}`,
        ...(seconds ? { timeSpentSeconds: seconds } : {}),
      });
    } else if (what === 'customer') {
      activity.push({ at: when, by: 'c', type: 'customer-message', messageId: `${id}-${minute}` });
    } else {
      const to = what as KpiTicket['status'];
      activity.push({ at: when, by: 'a', type: 'status-changed', from: status, to });
      status = to;
    }
  }
  return { id, createdAt: T0, priority: 'normal', status, activity };
}

// Five tickets with hand-checked answers:
// A: reply at 30, solved at 60                      → FRT 30, TTR 60, FCR yes, handle 600 s
// B: reply at 10, customer, reply at 100, solved 120 → FRT 10, TTR 120, FCR no (two replies)
// C: reply at 20, solved 40, reopened 50, reply 70, solved 90 → FRT 20, TTR 90, reopened, FCR no
// D: note at 5 (internal), still open                → no FRT, not resolved, handle 300 s
// E: solved at 15 without any public reply           → FCR not applicable, TTR 15
const fixed = [
  ticket('A', [
    [30, 'reply', 600],
    [60, 'solved'],
  ]),
  ticket('B', [
    [10, 'reply'],
    [50, 'customer'],
    [100, 'reply'],
    [120, 'solved'],
  ]),
  ticket('C', [
    [20, 'reply'],
    [40, 'solved'],
    [50, 'open'],
    [70, 'reply'],
    [90, 'solved'],
    [200, 'closed'],
  ]),
  ticket('D', [[5, 'note', 300]]),
  ticket('E', [[15, 'solved']]),
];

describe('KPI maths on a fixed data set', () => {
  const facts = fixed.map(factsOf);
  const v = aggregateKpis(facts, []);

  it('measures first response to the first public reply only', () => {
    expect(facts.map((f) => f.firstResponseMinutes)).toEqual([30, 10, 20, null, null]);
    expect(v.firstResponseTime).toEqual({ count: 3, medianMinutes: 20, meanMinutes: 20, p90Minutes: 30 });
  });

  it('times resolution to the final resolution, after a reopen', () => {
    expect(facts.map((f) => f.resolutionMinutes)).toEqual([60, 120, 90, null, 15]);
    expect(v.resolved).toBe(4);
    // nearest rank over [15, 60, 90, 120]: p50 = 2nd, p90 = 4th, p95 = 4th
    expect(v.timeToResolve).toEqual({ count: 4, p50Minutes: 60, p90Minutes: 120, p95Minutes: 120 });
  });

  it('counts first contact resolution over resolved tickets that got a public reply', () => {
    expect(facts.map((f) => f.firstContactResolution)).toEqual([true, false, false, null, null]);
    expect(v.firstContactResolution).toEqual({ eligible: 3, resolvedOnFirstContact: 1, rate: 1 / 3 });
  });

  it('counts reopens over tickets resolved at least once', () => {
    expect(v.reopenRate).toEqual({ resolved: 4, reopened: 1, rate: 0.25 });
  });

  it('averages handle time over tickets with recorded time (internal notes count)', () => {
    expect(v.averageHandleTime).toEqual({ count: 2, minutes: 7.5 });
  });

  it('an empty window has no values, not zeros', () => {
    const empty = aggregateKpis([], []);
    expect(empty.firstResponseTime.medianMinutes).toBeNull();
    expect(empty.firstContactResolution.rate).toBeNull();
    expect(empty.csat.average).toBeNull();
    expect(empty.nps.score).toBeNull();
  });
});

describe('survey maths', () => {
  const s = (csat?: number, nps?: number) => ({ ticketId: 'x', submittedAt: T0, csat, nps });
  it('CSAT is the mean of 1–5 scores; satisfied = 4 or 5', () => {
    expect(csatOf([s(5), s(4), s(3), s(5), s(1)])).toEqual({
      responses: 5,
      average: 3.6,
      satisfiedShare: 0.6,
    });
  });
  it('NPS is % promoters minus % detractors', () => {
    // promoters 9,10,10; passives 7,8; detractors 0,6,5 → (3 − 3) / 8 = 0; then add two 10s → (5−3)/10 = 20
    expect(
      npsOf([
        s(undefined, 9),
        s(undefined, 10),
        s(undefined, 10),
        s(undefined, 7),
        s(undefined, 8),
        s(undefined, 0),
        s(undefined, 6),
        s(undefined, 5),
      ]).score,
    ).toBe(0);
    const r = npsOf([10, 10, 10, 10, 10, 9, 7, 8, 0, 6].map((n) => s(undefined, n)));
    expect(r).toEqual({ responses: 10, promoters: 6, passives: 2, detractors: 2, score: 40 });
  });
  it('answers with only one of the two scores count for that score only', () => {
    const answers = [s(5, undefined), s(undefined, 10)];
    expect(csatOf(answers).responses).toBe(1);
    expect(npsOf(answers)).toMatchObject({ responses: 1, score: 100 });
  });
});

describe('percentiles (nearest rank)', () => {
  it('matches hand-computed ranks', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 90)).toBe(9);
    expect(percentile(ten, 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(percentile([3, 1, 2], 0)).toBe(1);
  });
});

describe('backlog age', () => {
  it('ages unresolved tickets only, in bands', () => {
    const now = new Date('2031-03-10T09:00:00Z');
    const created = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();
    const b = backlogAgeOf(
      [
        { createdAt: created(2), status: 'new' },
        { createdAt: created(30), status: 'open' },
        { createdAt: created(100), status: 'pending' },
        { createdAt: created(800), status: 'on-hold' },
        { createdAt: created(5), status: 'solved' },
      ],
      now,
    );
    expect(b.count).toBe(4);
    expect(b.medianHours).toBe(30);
    expect(b.oldestHours).toBe(800);
    expect(b.byAge.map((x) => x.count)).toEqual([1, 1, 1, 0, 1]);
    expect(b.byStatus).toEqual({ new: 1, open: 1, pending: 1, 'on-hold': 1 });
  });
});

describe('trend buckets', () => {
  it('daily buckets are local days, 23 hours long on the spring-forward day', () => {
    // America/New_York springs forward on Sunday 2031-03-09.
    const buckets = trendBuckets(
      new Date('2031-03-08T12:00:00Z'),
      new Date('2031-03-11T12:00:00Z'),
      'America/New_York',
      'daily',
    );
    expect(buckets.map((b) => b.label)).toEqual(['2031-03-08', '2031-03-09', '2031-03-10', '2031-03-11']);
    expect(buckets[0]!.start).toBe('2031-03-08T05:00:00.000Z');
    expect(Date.parse(buckets[1]!.end) - Date.parse(buckets[1]!.start)).toBe(23 * 3_600_000);
    expect(bucketIndexOf(buckets, '2031-03-10T03:59:59.000Z')).toBe(1);
    expect(bucketIndexOf(buckets, '2031-03-10T04:00:00.000Z')).toBe(2);
    expect(bucketIndexOf(buckets, '2031-03-01T00:00:00.000Z')).toBe(-1);
  });
  it('weekly buckets start on the Monday on or before the window start', () => {
    const buckets = trendBuckets(
      new Date('2031-03-05T12:00:00Z'), // a Wednesday
      new Date('2031-03-20T00:00:00Z'),
      'UTC',
      'weekly',
    );
    expect(buckets.map((b) => b.label)).toEqual(['2031-03-03', '2031-03-10', '2031-03-17']);
  });
});
