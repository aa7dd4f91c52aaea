/**
 * The KPI report of one desk over one window: every KPI beside the desk's target, SLA attainment
 * per metric and priority (the SLA engine's replay), backlog age, and a daily or weekly trend.
 * Pure: the caller reads the tickets and survey answers and passes `now`.
 */
import { METRICS, type Metric, type PolicyPack } from '../policy/schema.ts';
import { type AttainmentCell, type AttainmentReport, replayAttainment } from '../sla/preview.ts';
import type { Status } from '../tickets/model.ts';
import { PRIORITIES, type Priority } from '../tickets/model.ts';
import { slaEventsOf } from '../workflow/policy-planner.ts';
import {
  aggregateKpis,
  type BacklogAge,
  backlogAgeOf,
  bucketIndexOf,
  factsOf,
  type KpiTicket,
  type KpiValues,
  type SurveyScore,
  type TicketFacts,
  type TrendSize,
  trendBuckets,
} from './metrics.ts';
import { describeTarget, judge, type KpiName, type KpiTarget, kpiPolicyOf, type Verdict } from './targets.ts';

export const PERIODS = { '30d': 30, '90d': 90, '365d': 365 } as const;
export type Period = keyof typeof PERIODS;

export interface KpiReportInput {
  desk: string;
  pack: PolicyPack | undefined;
  now: Date;
  period: Period;
  trend: TrendSize;
  /** Tickets created in the window. */
  tickets: readonly KpiTicket[];
  /** Survey answers submitted in the window. */
  surveys: readonly SurveyScore[];
  /** The desk's unresolved tickets now. */
  backlog: ReadonlyArray<{ createdAt: string; status: Status }>;
  /** Whether a read cap cut the population short (the report says so). */
  truncated: { tickets: boolean; surveys: boolean; backlog: boolean };
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
    truncated: KpiReportInput['truncated'];
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
const addCell = (into: AttainmentSummary, cell: AttainmentCell) => {
  into.measured += cell.measured;
  into.met += cell.met;
  into.breached += cell.breached;
  into.open += cell.open;
};
const finish = (cell: AttainmentSummary) => {
  cell.attainment = cell.measured === 0 ? null : cell.met / cell.measured;
  return cell;
};

/** The window [now − days, now). */
export function periodWindow(period: Period, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - PERIODS[period] * DAY_MS), to: now };
}

export function buildKpiReport(input: KpiReportInput): KpiReport {
  const { now, pack } = input;
  const { from, to } = periodWindow(input.period, now);
  const zone = pack?.timeZone ?? 'UTC';
  const policy = kpiPolicyOf(input.desk);
  const facts = input.tickets.map(factsOf);
  const values = aggregateKpis(facts, input.surveys);

  // SLA replay per trend bucket (each ticket replayed once), merged for the window.
  const buckets = trendBuckets(from, to, zone, input.trend);
  const ticketsByBucket = buckets.map(() => [] as KpiTicket[]);
  const factsByBucket = buckets.map(() => [] as TicketFacts[]);
  const surveysByBucket = buckets.map(() => [] as SurveyScore[]);
  input.tickets.forEach((t, i) => {
    const b = bucketIndexOf(buckets, t.createdAt);
    if (b < 0) return;
    ticketsByBucket[b]!.push(t);
    factsByBucket[b]!.push(facts[i]!);
  });
  for (const s of input.surveys) {
    const b = bucketIndexOf(buckets, s.submittedAt);
    if (b >= 0) surveysByBucket[b]!.push(s);
  }
  const overall = emptyCell();
  const byMetric = pack
    ? (Object.fromEntries(
        METRICS.map((m) => [
          m,
          { ...emptyCell(), byPriority: Object.fromEntries(PRIORITIES.map((p) => [p, emptyCell()])) },
        ]),
      ) as NonNullable<KpiReport['slaAttainment']['byMetric']>)
    : null;
  const rejected: AttainmentReport['rejected'] = [];
  const points: TrendPoint[] = buckets.map((bucket, b) => {
    const bucketCell = emptyCell();
    if (pack && byMetric) {
      const replay = replayAttainment(
        pack,
        ticketsByBucket[b]!.map((t) => ({
          id: t.id,
          events: slaEventsOf(t.activity),
          now: now.toISOString(),
        })),
      );
      rejected.push(...replay.rejected);
      for (const m of METRICS) {
        const cell = replay.byMetric[m];
        addCell(byMetric[m], cell);
        addCell(overall, cell);
        addCell(bucketCell, cell);
        for (const p of PRIORITIES) addCell(byMetric[m].byPriority[p], cell.byPriority[p]);
      }
    }
    const v = aggregateKpis(factsByBucket[b]!, surveysByBucket[b]!);
    return {
      ...bucket,
      tickets: v.tickets,
      resolved: v.resolved,
      firstResponseMedianMinutes: v.firstResponseTime.medianMinutes,
      firstContactResolution: v.firstContactResolution.rate,
      reopenRate: v.reopenRate.rate,
      csat: v.csat.average,
      nps: v.nps.score,
      slaAttainment: finish(bucketCell).attainment,
    };
  });
  finish(overall);
  if (byMetric) {
    for (const m of METRICS) {
      finish(byMetric[m]);
      for (const p of PRIORITIES) finish(byMetric[m].byPriority[p]);
    }
  }
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
      tickets: input.tickets.length,
      surveys: input.surveys.length,
      backlog: backlog.count,
      truncated: input.truncated,
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
