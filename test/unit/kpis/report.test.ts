import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KpiTicket } from '#shared/kpis/metrics.ts';
import { buildKpiReport } from '#shared/kpis/report.ts';
import { rollUp } from '#shared/kpis/rollups.ts';
import { describeTarget, judge, KPI_POLICIES } from '#shared/kpis/targets.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import type { TicketActivity } from '#shared/tickets/activity.ts';

const now = new Date('2031-03-31T12:00:00Z');
const created = (daysAgo: number, minute = 0) =>
  new Date(now.getTime() - daysAgo * 86_400_000 + minute * 60_000).toISOString();

/** Acentus Basic (9×5 UTC), normal priority: 24 h = one business day (480 business min) to respond. */
function ticket(id: string, daysAgo: number, replyAfterMin: number | null, solved: boolean): KpiTicket {
  const at = created(daysAgo);
  const activity: TicketActivity[] = [
    {
      at,
      by: 'c',
      type: 'ticket-created',
      priority: 'normal',
      plan: 'basic',
      channel: 'email',
      status: 'new',
    },
  ];
  if (replyAfterMin !== null) {
    activity.push({
      at: created(daysAgo, replyAfterMin),
      by: 'a',
      type: 'agent-reply',
      visibility: 'public',
      messageId: `${id}m`,
    });
    activity.push({
      at: created(daysAgo, replyAfterMin),
      by: 'a',
      type: 'status-changed',
      from: 'new',
      to: 'open',
    });
  }
  if (solved) {
    const at = created(daysAgo, Math.max(600, (replyAfterMin ?? 0) + 60));
    activity.push({ at, by: 'a', type: 'status-changed', from: 'open', to: 'solved' });
  }
  return {
    id,
    createdAt: at,
    priority: 'normal',
    status: solved ? 'solved' : replyAfterMin ? 'open' : 'new',
    activity,
  };
}

describe('KPI report (Acentus)', () => {
  // 2031-03-31 is a Monday at 12:00 UTC; the tickets are created at 12:00 on weekdays.
  const report = buildKpiReport({
    desk: 'acentus',
    pack: getPolicyPack('acentus'),
    now,
    period: '30d',
    trend: 'weekly',
    days: rollUp(
      getPolicyPack('acentus'),
      [
        ticket('a', 7, 30, true), // Monday: answered in 30 min
        ticket('b', 7, 2 * 24 * 60, true), // answered two days later: first response missed
        ticket('c', 1, null, false), // Sunday, unanswered, still within target
      ],
      [
        { ticketId: 'a', submittedAt: created(6), csat: 5, nps: 10 },
        { ticketId: 'b', submittedAt: created(5), csat: 4, nps: 9 },
      ],
      now,
    ),
    backlog: [{ createdAt: created(1), status: 'new' }],
  });
  const kpi = (name: string) => report.kpis.find((k) => k.kpi === name)!;

  it('replays SLA attainment per metric and priority with the pack', () => {
    const fr = report.slaAttainment.byMetric!['first-response'];
    expect(fr.byPriority.normal).toEqual({ measured: 2, met: 1, breached: 1, open: 1, attainment: 0.5 });
    expect(report.slaAttainment.pack).toMatch(/^acentus@/);
  });

  it('judges each KPI against the document’s target', () => {
    expect(kpi('firstContactResolution')).toMatchObject({ value: 1, verdict: 'met' });
    expect(kpi('csat')).toMatchObject({ value: 4.5, verdict: 'met', target: { text: '≥ 4.3' } });
    expect(kpi('nps')).toMatchObject({ value: 100, verdict: 'met' });
    expect(kpi('reopenRate')).toMatchObject({ value: 0, verdict: 'met', target: { text: '< 5 %' } });
    expect(kpi('averageHandleTime')).toMatchObject({ value: null, verdict: 'no-target' });
    // Both resolved after 600 min; the histogram reads it within its 1 % resolution.
    expect(kpi('timeToResolve')).toMatchObject({ basis: 2 });
    expect(Math.abs(kpi('timeToResolve').value! / 600 - 1)).toBeLessThan(0.01);
    expect(kpi('backlogAge')).toMatchObject({ value: 24, basis: 1 });
  });

  it('buckets the trend by the desk’s weeks', () => {
    const points = report.trend.points;
    expect(points[0]!.label).toBe('2031-02-24'); // the Monday on or before 1 March
    const week = points.find((p) => p.label === '2031-03-24')!;
    // a and b on Monday 24 March, c on Sunday 30 March: the same Monday-to-Sunday week.
    expect(week).toMatchObject({ tickets: 3, resolved: 2, csat: 4.5, slaAttainment: 0.5 });
    // The current week has begun (Monday 00:00 UTC); nothing was created in it yet.
    expect(points.at(-1)).toMatchObject({ label: '2031-03-31', tickets: 0, csat: null, slaAttainment: null });
    expect(points.reduce((s, p) => s + p.tickets, 0)).toBe(3);
  });
});

describe('KPI targets', () => {
  it('quote the documents: RCH SpyFocus and Acentus set targets, TechFlow and RareLogic none', () => {
    expect(KPI_POLICIES['rch-spyfocus']!.targets.map((t) => `${t.kpi} ${describeTarget(t)}`)).toEqual([
      'averageHandleTime between 7 and 12',
      'firstContactResolution ≥ 0.7',
      'csat ≥ 4.2',
      'nps ≥ 30',
    ]);
    expect(KPI_POLICIES.acentus!.targets.every((t) => t.source.length > 20)).toBe(true);
    expect(KPI_POLICIES.techflow!.targets).toEqual([]);
    expect(KPI_POLICIES.rarelogic!.targets).toEqual([]);
  });
  it('judge strict and inclusive comparisons exactly', () => {
    const fcr = KPI_POLICIES.acentus!.targets.find((t) => t.kpi === 'firstContactResolution');
    expect(judge(0.7, fcr)).toBe('missed'); // "FCR > 70%"
    expect(judge(0.7000001, fcr)).toBe('met');
    const rch = KPI_POLICIES['rch-spyfocus']!.targets.find((t) => t.kpi === 'firstContactResolution');
    expect(judge(0.7, rch)).toBe('met'); // "≥70%"
    const aht = KPI_POLICIES['rch-spyfocus']!.targets.find((t) => t.kpi === 'averageHandleTime');
    expect([judge(6.9, aht), judge(7, aht), judge(12, aht), judge(12.1, aht)]).toEqual([
      'missed',
      'met',
      'met',
      'missed',
    ]);
    expect(judge(null, rch)).toBe('no-data');
    expect(judge(1, undefined)).toBe('no-target');
  });
});

describe('pure modules', () => {
  it('KPI, queue, history and incident maths never read the clock, the zone or AWS', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const forbidden =
      /Date\.now\(|new Date\(\)|\.(get|set)(FullYear|Month|Date|Day|Hours|Minutes|Seconds)\(|getTimezoneOffset|@aws-sdk/;
    const pure = [
      ...readdirSync(`${root}shared/kpis`)
        .filter((f) => f !== 'service.ts')
        .map((f) => `shared/kpis/${f}`),
      'shared/ops/queue.ts',
      'shared/ops/execution-history.ts',
      'shared/incidents/commands.ts',
      'shared/incidents/feed.ts',
      'shared/incidents/model.ts',
      'shared/incidents/review-policy.ts',
    ];
    for (const file of pure) {
      expect(readFileSync(`${root}${file}`, 'utf8').match(forbidden)?.[0], file).toBeUndefined();
    }
  });
});
