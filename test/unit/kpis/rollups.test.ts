import { describe, expect, it } from 'vitest';
import { aggregateKpis, factsOf, type KpiTicket, percentile } from '#shared/kpis/metrics.ts';
import { kpiValuesOf } from '#shared/kpis/report.ts';
import {
  bucketValueMs,
  COUNTER,
  contributionDelta,
  HISTOGRAM_RATIO,
  histogramBucket,
  histogramPercentile,
  rollUp,
  sumCounters,
  surveyContribution,
} from '#shared/kpis/rollups.ts';
import type { TicketActivity } from '#shared/tickets/activity.ts';

const T0 = Date.parse('2031-03-03T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function ticket(id: string, replyAfter: number, solvedAfter: number | null, reopen = false): KpiTicket {
  const activity: TicketActivity[] = [
    {
      at: at(0),
      by: 'c',
      type: 'ticket-created',
      priority: 'normal',
      plan: 'p',
      channel: 'email',
      status: 'new',
    },
    {
      at: at(replyAfter),
      by: 'a',
      type: 'agent-reply',
      visibility: 'public',
      messageId: `${id}1`,
      timeSpentSeconds: 90,
    },
  ];
  let status: KpiTicket['status'] = 'open';
  if (solvedAfter !== null) {
    activity.push({ at: at(solvedAfter), by: 'a', type: 'status-changed', from: 'open', to: 'solved' });
    status = 'solved';
    if (reopen) {
      activity.push({ at: at(solvedAfter + 5), by: 'c', type: 'status-changed', from: 'solved', to: 'open' });
      status = 'open';
    }
  }
  return { id, createdAt: at(0), priority: 'normal', status, activity };
}

describe('histogram buckets', () => {
  it('read every duration back within 1 % (under a second: as half a second)', () => {
    for (let ms = 1000; ms < 400 * 86_400_000; ms = Math.ceil(ms * 1.37)) {
      const back = bucketValueMs(histogramBucket(ms));
      expect(Math.abs(back / ms - 1)).toBeLessThanOrEqual(Math.sqrt(HISTOGRAM_RATIO) - 1 + 1e-9);
    }
    expect(histogramBucket(0)).toBe(0);
    expect(bucketValueMs(histogramBucket(999))).toBe(500);
  });

  it('give the nearest-rank percentile of the bucketed values', () => {
    const minutes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const counters: Record<string, number> = {};
    for (const m of minutes) {
      const b = COUNTER.frtBucket(histogramBucket(m * 60_000));
      counters[b] = (counters[b] ?? 0) + 1;
    }
    for (const p of [50, 90, 95]) {
      const exact = percentile(minutes, p)!;
      expect(Math.abs(histogramPercentile(counters, COUNTER.frtBucket, p)! / exact - 1)).toBeLessThan(0.01);
    }
    expect(histogramPercentile({}, COUNTER.frtBucket, 50)).toBeNull();
  });
});

describe('roll-ups', () => {
  const tickets = [
    ticket('a', 10, 60),
    ticket('b', 30, null),
    ticket('c', 5, 20, true),
    ticket('d', 45, 300),
  ];

  it('give the exact counts, rates and means the ticket-by-ticket maths gives', () => {
    const days = rollUp(
      undefined,
      tickets,
      [{ ticketId: 'a', submittedAt: at(70), csat: 4, nps: 6 }],
      new Date(at(1000)),
    );
    const fromRollups = kpiValuesOf(sumCounters(days.values()));
    const exact = aggregateKpis(tickets.map(factsOf), [
      { ticketId: 'a', submittedAt: at(70), csat: 4, nps: 6 },
    ]);
    expect(fromRollups.tickets).toBe(exact.tickets);
    expect(fromRollups.resolved).toBe(exact.resolved);
    expect(fromRollups.firstContactResolution).toEqual(exact.firstContactResolution);
    expect(fromRollups.reopenRate).toEqual(exact.reopenRate);
    expect(fromRollups.averageHandleTime).toEqual(exact.averageHandleTime);
    expect(fromRollups.firstResponseTime.meanMinutes).toBeCloseTo(exact.firstResponseTime.meanMinutes!, 9);
    expect(fromRollups.csat).toEqual(exact.csat);
    expect(fromRollups.nps).toEqual(exact.nps);
    // Percentiles: within the histogram's resolution.
    expect(fromRollups.timeToResolve.p50Minutes! / exact.timeToResolve.p50Minutes! - 1).toBeLessThan(0.01);
  });

  it('a change is the difference of two contributions; the same contribution twice is no change', () => {
    const before = surveyContribution(undefined, { ticketId: 'x', submittedAt: at(0), csat: 2 });
    const after = surveyContribution(undefined, { ticketId: 'x', submittedAt: at(0), csat: 5 });
    expect(contributionDelta(before, after)).toEqual([
      { day: '2031-03-03', counters: { [COUNTER.csatSum]: 3, [COUNTER.csatSatisfied]: 1 } },
    ]);
    expect(contributionDelta(after, after)).toEqual([]);
    const moved = { ...after, day: '2031-03-04' };
    expect(contributionDelta(after, moved).map((p) => p.day)).toEqual(['2031-03-03', '2031-03-04']);
  });
});
