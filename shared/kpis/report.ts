/**
 * The KPI report of one desk over one window: every KPI beside the desk's target, SLA attainment
 * per metric and priority (the SLA engine's replay), backlog age, and a daily or weekly trend.
 * Pure: the caller reads the daily roll-ups (rollups.ts) and the backlog, and passes `now`.
 */
import type { Metric, PolicyPack } from '../policy/schema.ts';
import { METRICS } from '../policy/vocabulary.ts';
import { toZoned, zonedTimeToUtc } from '../sla/calendar.ts';
import type { AttainmentReport } from '../sla/preview.ts';
import type { Status } from '../tickets/model.ts';
import { PRIORITIES, type Priority } from '../tickets/model.ts';
import {
  type BacklogAge,
  backlogAgeOf,
  bucketIndexOf,
  type KpiValues,
  type TrendSize,
  trendBuckets,
} from './metrics.ts';
import { COUNTER, type Counters, histogramPercentile, sumCounters } from './rollups.ts';
import { describeTarget, judge, type KpiName, type KpiTarget, kpiPolicyOf, type Verdict } from './targets.ts';

export const PERIODS = { '30d': 30, '90d': 90, '365d': 365 } as const;
export type Period = keyof typeof PERIODS;

export interface KpiReportInput {
  desk: string;
  pack: PolicyPack | undefined;
  now: Date;
  period: Period;
  trend: TrendSize;
  /** The desk's daily roll-ups (local date → counters) covering the window; missing days count as empty. */
  days: ReadonlyMap<string, Counters>;
  /** The desk's unresolved tickets now. */
  backlog: ReadonlyArray<{ createdAt: string; status: Status }>;
}

export type KpiUnit = 'min' | 'h' | '%' | 'score';

export interface KpiLine {
  kpi: KpiName;
  label: string;
  /** Headline number: ratios as fractions (unit %), times in minutes or hours. */
  value: number | null;
  unit: KpiUnit;
  /** How many tickets or answers the value rests on. */
  basis: number;
  detail: Record<string, number | null>;
  target: (KpiTarget & { text: string }) | null;
  verdict: Verdict;
}

export interface AttainmentSummary {
  measured: number;
  met: number;
  breached: number;
  open: number;
  attainment: number | null;
}

export interface TrendPoint {
  start: string;
  end: string;
  label: string;
  tickets: number;
  resolved: number;
  firstResponseMedianMinutes: number | null;
  firstContactResolution: number | null;
  reopenRate: number | null;
  csat: number | null;
  nps: number | null;
  slaAttainment: number | null;
}

export interface KpiReport {
  desk: string;
  period: { name: Period; days: number; from: string; to: string };
  timeZone: string;
  generatedAt: string;
  population: {
    tickets: number;
    surveys: number;
    backlog: number;
    truncated: { tickets: boolean; surveys: boolean; backlog: boolean };
  };
  policy: { document: string; cadence: string | null };
  kpis: KpiLine[];
  slaAttainment: {
    pack: string | null;
    overall: AttainmentSummary;
    byMetric: Record<Metric, AttainmentSummary & { byPriority: Record<Priority, AttainmentSummary> }> | null;
    rejected: AttainmentReport['rejected'];
  };
  backlog: BacklogAge;
  trend: { size: TrendSize; points: TrendPoint[] };
}

const DAY_MS = 86_400_000;

const emptyCell = (): AttainmentSummary => ({ measured: 0, met: 0, breached: 0, open: 0, attainment: null });
const finish = (cell: AttainmentSummary) => {
  cell.attainment = cell.measured === 0 ? null : cell.met / cell.measured;
  return cell;
};

/**
 * The window: from the desk's local midnight `days` days before `now`'s day, to `now`. Whole local
 * days, because the roll-ups are kept per day.
 */
export function periodWindow(period: Period, now: Date, zone = 'UTC'): { from: Date; to: Date } {
  const start = toZoned(zone, now.getTime() - PERIODS[period] * DAY_MS);
  return { from: new Date(zonedTimeToUtc(zone, start.year, start.month, start.day)), to: now };
}

/** The local dates a window covers, oldest first (the roll-up items a report reads). */
export function windowDays(period: Period, now: Date, zone: string): string[] {
  const { from, to } = periodWindow(period, now, zone);
  return trendBuckets(from, to, zone, 'daily').map((b) => b.label);
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** Every KPI value from summed roll-up counters. */
export function kpiValuesOf(c: Counters): KpiValues {
  const n = (name: string) => c[name] ?? 0;
  const frtCount = n(COUNTER.frtCount);
  const handleCount = n(COUNTER.handleCount);
  const csatCount = n(COUNTER.csatCount);
  const npsCount = n(COUNTER.npsCount);
  const promoters = n(COUNTER.npsPromoters);
  const detractors = n(COUNTER.npsDetractors);
  return {
    tickets: n(COUNTER.tickets),
    resolved: n(COUNTER.resolved),
    firstResponseTime: {
      count: frtCount,
      medianMinutes: histogramPercentile(c, COUNTER.frtBucket, 50),
      meanMinutes: frtCount === 0 ? null : n(COUNTER.frtSumMs) / frtCount / 60_000,
      p90Minutes: histogramPercentile(c, COUNTER.frtBucket, 90),
    },
    averageHandleTime: {
      count: handleCount,
      minutes: handleCount === 0 ? null : n(COUNTER.handleSumSeconds) / handleCount / 60,
    },
    firstContactResolution: {
      eligible: n(COUNTER.fcrEligible),
      resolvedOnFirstContact: n(COUNTER.fcrYes),
      rate: ratio(n(COUNTER.fcrYes), n(COUNTER.fcrEligible)),
    },
    reopenRate: {
      resolved: n(COUNTER.everResolved),
      reopened: n(COUNTER.reopened),
      rate: ratio(n(COUNTER.reopened), n(COUNTER.everResolved)),
    },
    timeToResolve: {
      count: n(COUNTER.ttrCount),
      p50Minutes: histogramPercentile(c, COUNTER.ttrBucket, 50),
      p90Minutes: histogramPercentile(c, COUNTER.ttrBucket, 90),
      p95Minutes: histogramPercentile(c, COUNTER.ttrBucket, 95),
    },
    csat: {
      responses: csatCount,
      average: csatCount === 0 ? null : n(COUNTER.csatSum) / csatCount,
      satisfiedShare: ratio(n(COUNTER.csatSatisfied), csatCount),
    },
    nps: {
      responses: npsCount,
      promoters,
      passives: npsCount - promoters - detractors,
      detractors,
      score: npsCount === 0 ? null : ((promoters - detractors) / npsCount) * 100,
    },
  };
}

function attainmentOf(c: Counters, metrics: readonly Metric[], priorities: readonly Priority[]) {
  const cell = emptyCell();
  for (const m of metrics) {
    for (const p of priorities) {
      cell.measured += c[COUNTER.sla(m, p, 'measured')] ?? 0;
      cell.met += c[COUNTER.sla(m, p, 'met')] ?? 0;
      cell.breached += c[COUNTER.sla(m, p, 'breached')] ?? 0;
      cell.open += c[COUNTER.sla(m, p, 'open')] ?? 0;
    }
  }
  return finish(cell);
}

export function buildKpiReport(input: KpiReportInput): KpiReport {
  const { now, pack } = input;
  const zone = pack?.timeZone ?? 'UTC';
  const { from, to } = periodWindow(input.period, now, zone);
  const policy = kpiPolicyOf(input.desk);
  const dayLabels = windowDays(input.period, now, zone);
  const total = sumCounters(dayLabels.map((d) => input.days.get(d) ?? {}));
  const values = kpiValuesOf(total);
  const overall = attainmentOf(total, METRICS, PRIORITIES);
  const byMetric = pack
    ? (Object.fromEntries(
        METRICS.map((m) => [
          m,
          {
            ...attainmentOf(total, [m], PRIORITIES),
            byPriority: Object.fromEntries(PRIORITIES.map((p) => [p, attainmentOf(total, [m], [p])])),
          },
        ]),
      ) as NonNullable<KpiReport['slaAttainment']['byMetric']>)
    : null;
  // Replays that failed are counted per day; the report names the days to look at.
  const rejected: AttainmentReport['rejected'] = dayLabels.flatMap((d) => {
    const count = input.days.get(d)?.[COUNTER.rejected] ?? 0;
    return count > 0
      ? [{ id: `created ${d}`, error: `${count} ticket(s) whose history could not be replayed` }]
      : [];
  });
  const buckets = trendBuckets(from, to, zone, input.trend);
  const dayCounters = buckets.map(() => [] as Counters[]);
  for (const d of dayLabels) {
    const b = bucketIndexOf(buckets, new Date(zonedMidnight(zone, d)).toISOString());
    if (b >= 0) dayCounters[b]!.push(input.days.get(d) ?? {});
  }
  const points: TrendPoint[] = buckets.map((bucket, b) => {
    const c = sumCounters(dayCounters[b]!);
    const v = kpiValuesOf(c);
    return {
      ...bucket,
      tickets: v.tickets,
      resolved: v.resolved,
      firstResponseMedianMinutes: v.firstResponseTime.medianMinutes,
      firstContactResolution: v.firstContactResolution.rate,
      reopenRate: v.reopenRate.rate,
      csat: v.csat.average,
      nps: v.nps.score,
      slaAttainment: pack ? attainmentOf(c, METRICS, PRIORITIES).attainment : null,
    };
  });
  const backlog = backlogAgeOf(input.backlog, now);

  return {
    desk: input.desk,
    period: {
      name: input.period,
      days: PERIODS[input.period],
      from: from.toISOString(),
      to: to.toISOString(),
    },
    timeZone: zone,
    generatedAt: now.toISOString(),
    population: {
      tickets: values.tickets,
      surveys: total[COUNTER.surveys] ?? 0,
      backlog: backlog.count,
      // Kept for the response's shape: roll-ups and paged reads have no cap.
      truncated: { tickets: false, surveys: false, backlog: false },
    },
    policy: { document: policy.document, cadence: policy.cadence },
    kpis: kpiLines(values, overall, backlog, policy.targets),
    slaAttainment: {
      pack: pack ? `${pack.id}@${pack.version}` : null,
      overall,
      byMetric,
      rejected,
    },
    backlog,
    trend: { size: input.trend, points },
  };
}

const zonedMidnight = (zone: string, day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedTimeToUtc(zone, y, m, d);
};

const UNIT_TEXT: Record<KpiUnit, '%' | 'min' | ''> = { '%': '%', min: 'min', h: '', score: '' };

function kpiLines(
  v: KpiValues,
  attainment: AttainmentSummary,
  backlog: BacklogAge,
  targets: readonly KpiTarget[],
): KpiLine[] {
  const line = (
    kpi: KpiName,
    label: string,
    value: number | null,
    unit: KpiUnit,
    basis: number,
    detail: Record<string, number | null>,
  ): KpiLine => {
    const target = targets.find((t) => t.kpi === kpi);
    return {
      kpi,
      label,
      value,
      unit,
      basis,
      detail,
      target: target ? { ...target, text: describeTarget(target, UNIT_TEXT[unit]) } : null,
      verdict: judge(value, target),
    };
  };
  return [
    line(
      'firstResponseTime',
      'First response time (median)',
      v.firstResponseTime.medianMinutes,
      'min',
      v.firstResponseTime.count,
      { meanMinutes: v.firstResponseTime.meanMinutes, p90Minutes: v.firstResponseTime.p90Minutes },
    ),
    line(
      'averageHandleTime',
      'Average handle time',
      v.averageHandleTime.minutes,
      'min',
      v.averageHandleTime.count,
      {},
    ),
    line(
      'firstContactResolution',
      'First contact resolution',
      v.firstContactResolution.rate,
      '%',
      v.firstContactResolution.eligible,
      { resolvedOnFirstContact: v.firstContactResolution.resolvedOnFirstContact },
    ),
    line('csat', 'CSAT (1–5)', v.csat.average, 'score', v.csat.responses, {
      satisfiedShare: v.csat.satisfiedShare,
    }),
    line('nps', 'NPS', v.nps.score, 'score', v.nps.responses, {
      promoters: v.nps.promoters,
      passives: v.nps.passives,
      detractors: v.nps.detractors,
    }),
    line('reopenRate', 'Reopen rate', v.reopenRate.rate, '%', v.reopenRate.resolved, {
      reopened: v.reopenRate.reopened,
    }),
    line('timeToResolve', 'Time to resolve (p50)', v.timeToResolve.p50Minutes, 'min', v.timeToResolve.count, {
      p90Minutes: v.timeToResolve.p90Minutes,
      p95Minutes: v.timeToResolve.p95Minutes,
    }),
    line('slaAttainment', 'SLA attainment (all metrics)', attainment.attainment, '%', attainment.measured, {
      met: attainment.met,
      breached: attainment.breached,
      open: attainment.open,
    }),
    line('backlogAge', 'Backlog age (median)', backlog.medianHours, 'h', backlog.count, {
      p90Hours: backlog.p90Hours,
      oldestHours: backlog.oldestHours,
    }),
  ];
}
