/**
 * KPI roll-ups: what one ticket (or one survey answer) contributes to its desk's day, as flat
 * integer counters that add and subtract exactly. A report sums the days of its window, so it reads
 * one item per day whatever the ticket count. Pure: the caller passes the pack and `now`.
 *
 * - A ticket counts on its creation day (the desk's local date), a survey answer on the day it was
 *   submitted: the same cohorts the ticket-by-ticket report used.
 * - Times are kept in whole milliseconds or seconds, so sums stay exact under add and subtract.
 * - Percentiles cannot be summed: first response and time to resolve are kept as histograms with
 *   fixed geometric buckets (each 2 % wider than the last). A percentile read from them is the
 *   bucket's geometric middle: within 1 % of the exact nearest-rank value (values under a second
 *   read as 0.5 s).
 */
import type { PolicyPack } from '../policy/schema.ts';
import { METRICS } from '../policy/vocabulary.ts';
import { toZoned } from '../sla/calendar.ts';
import { replayAttainment } from '../sla/preview.ts';
import { PRIORITIES } from '../tickets/model.ts';
import { slaEventsOf } from '../workflow/policy-planner.ts';
import { factsOf, type KpiTicket, type SurveyScore } from './metrics.ts';

/** Counter name → integer. Absent means 0. */
export type Counters = Record<string, number>;

/** One source's share of one day. */
export interface Contribution {
  /** The desk's local date, `YYYY-MM-DD`. */
  day: string;
  counters: Counters;
}

export const HISTOGRAM_RATIO = 1.02;
const LOG_RATIO = Math.log(HISTOGRAM_RATIO);

/** Bucket of a duration in ms: 0 below one second, then geometric buckets [1 s·r^(k−1), 1 s·r^k). */
export function histogramBucket(ms: number): number {
  if (ms < 1000) return 0;
  return Math.floor(Math.log(ms / 1000) / LOG_RATIO) + 1;
}

/** The value a bucket stands for: its geometric middle (0.5 s for bucket 0). */
export function bucketValueMs(bucket: number): number {
  return bucket === 0 ? 500 : 1000 * HISTOGRAM_RATIO ** (bucket - 0.5);
}

export const COUNTER = {
  tickets: 'tickets',
  resolved: 'resolved',
  frtCount: 'frtCount',
  frtSumMs: 'frtSumMs',
  frtBucket: (b: number) => `frtH${b}`,
  handleCount: 'handleCount',
  handleSumSeconds: 'handleSumS',
  fcrEligible: 'fcrEligible',
  fcrYes: 'fcrYes',
  everResolved: 'everResolved',
  reopened: 'reopened',
  ttrCount: 'ttrCount',
  ttrBucket: (b: number) => `ttrH${b}`,
  sla: (metric: string, priority: string, cell: keyof SlaCell) => `sla_${metric}_${priority}_${cell}`,
  rejected: 'rejected',
  surveys: 'surveys',
  csatCount: 'csatN',
  csatSum: 'csatSum',
  csatSatisfied: 'csatSat',
  npsCount: 'npsN',
  npsPromoters: 'npsProm',
  npsDetractors: 'npsDet',
} as const;

export interface SlaCell {
  measured: number;
  met: number;
  breached: number;
  open: number;
}

/** The desk's local date of an instant. */
export function localDay(zone: string, iso: string): string {
  const z = toZoned(zone, Date.parse(iso));
  return `${z.year}-${String(z.month).padStart(2, '0')}-${String(z.day).padStart(2, '0')}`;
}

/** A ticket's contribution at `now`: its facts, and its SLA clocks replayed through the pack. */
export function ticketContribution(pack: PolicyPack | undefined, ticket: KpiTicket, now: Date): Contribution {
  const c: Counters = {};
  const add = (name: string, n = 1) => {
    if (n !== 0) c[name] = (c[name] ?? 0) + n;
  };
  const f = factsOf(ticket);
  add(COUNTER.tickets);
  if (f.firstResponseMinutes !== null) {
    const ms = Math.max(0, Math.round(f.firstResponseMinutes * 60_000));
    add(COUNTER.frtCount);
    add(COUNTER.frtSumMs, ms);
    add(COUNTER.frtBucket(histogramBucket(ms)));
  }
  if (f.handleSeconds !== null) {
    add(COUNTER.handleCount);
    add(COUNTER.handleSumSeconds, Math.round(f.handleSeconds));
  }
  if (f.firstContactResolution !== null) {
    add(COUNTER.fcrEligible);
    if (f.firstContactResolution) add(COUNTER.fcrYes);
  }
  if (f.everResolved) {
    add(COUNTER.everResolved);
    if (f.reopened) add(COUNTER.reopened);
  }
  if (f.resolutionMinutes !== null) {
    const ms = Math.max(0, Math.round(f.resolutionMinutes * 60_000));
    add(COUNTER.resolved);
    add(COUNTER.ttrCount);
    add(COUNTER.ttrBucket(histogramBucket(ms)));
  }
  if (pack) {
    const replay = replayAttainment(pack, [
      { id: ticket.id, events: slaEventsOf(ticket.activity), now: now.toISOString() },
    ]);
    if (replay.rejected.length) add(COUNTER.rejected);
    for (const m of METRICS) {
      for (const p of PRIORITIES) {
        const cell = replay.byMetric[m].byPriority[p];
        for (const k of ['measured', 'met', 'breached', 'open'] as const) add(COUNTER.sla(m, p, k), cell[k]);
      }
    }
  }
  return { day: localDay(pack?.timeZone ?? 'UTC', ticket.createdAt), counters: c };
}

/** A survey answer's contribution to the day it was submitted. */
export function surveyContribution(pack: PolicyPack | undefined, s: SurveyScore): Contribution {
  const c: Counters = { [COUNTER.surveys]: 1 };
  if (s.csat !== undefined) {
    c[COUNTER.csatCount] = 1;
    c[COUNTER.csatSum] = s.csat;
    if (s.csat >= 4) c[COUNTER.csatSatisfied] = 1;
  }
  if (s.nps !== undefined) {
    c[COUNTER.npsCount] = 1;
    if (s.nps >= 9) c[COUNTER.npsPromoters] = 1;
    if (s.nps <= 6) c[COUNTER.npsDetractors] = 1;
  }
  return { day: localDay(pack?.timeZone ?? 'UTC', s.submittedAt), counters: c };
}

/** Per-day changes that turn `before` into `after` (only non-zero counters; a moved day subtracts and adds). */
export function contributionDelta(before: Contribution | undefined, after: Contribution): Contribution[] {
  const byDay = new Map<string, Counters>();
  const add = (day: string, counters: Counters, sign: 1 | -1) => {
    const into = byDay.get(day) ?? {};
    for (const [k, v] of Object.entries(counters)) into[k] = (into[k] ?? 0) + sign * v;
    byDay.set(day, into);
  };
  if (before) add(before.day, before.counters, -1);
  add(after.day, after.counters, 1);
  const out: Contribution[] = [];
  for (const [day, counters] of byDay) {
    const nonZero = Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0));
    if (Object.keys(nonZero).length) out.push({ day, counters: nonZero });
  }
  return out;
}

/** The sum of several days' counters. */
export function sumCounters(days: Iterable<Counters>): Counters {
  const total: Counters = {};
  for (const d of days) for (const [k, v] of Object.entries(d)) total[k] = (total[k] ?? 0) + v;
  return total;
}

/** Nearest-rank percentile from a histogram (the bucket holding the rank, as its middle value), in minutes. */
export function histogramPercentile(counters: Counters, bucketName: (b: number) => string, p: number) {
  const prefix = bucketName(0).slice(0, -1);
  const buckets: Array<[number, number]> = [];
  for (const [k, v] of Object.entries(counters)) {
    if (k.startsWith(prefix) && v > 0) buckets.push([Number(k.slice(prefix.length)), v]);
  }
  buckets.sort((a, b) => a[0] - b[0]);
  const count = buckets.reduce((s, [, v]) => s + v, 0);
  if (count === 0) return null;
  const rank = Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
  let seen = 0;
  for (const [b, v] of buckets) {
    seen += v;
    if (seen >= rank) return bucketValueMs(b) / 60_000;
  }
  return null;
}

/** The in-memory roll-up of a set of tickets and answers (tests, the bench, the backfill's check). */
export function rollUp(
  pack: PolicyPack | undefined,
  tickets: readonly KpiTicket[],
  surveys: readonly SurveyScore[],
  now: Date,
): Map<string, Counters> {
  const days = new Map<string, Counters>();
  const into = (c: Contribution) => days.set(c.day, sumCounters([days.get(c.day) ?? {}, c.counters]));
  for (const t of tickets) into(ticketContribution(pack, t, now));
  for (const s of surveys) into(surveyContribution(pack, s));
  return days;
}
