/**
 * KPI maths: pure functions from tickets (their activity logs) and survey scores to the numbers
 * leads watch. Definitions (docs/ops.md repeats them):
 * - first response time: creation → first public agent reply, calendar minutes;
 * - handle time: agent time recorded on replies and notes (`timeSpentSeconds`), summed per ticket;
 *   the average is over tickets with time recorded;
 * - first contact resolution: resolved after exactly one public agent reply and never reopened,
 *   over resolved tickets that got at least one public reply;
 * - reopen rate: tickets resolved at least once and later reopened, over tickets resolved at least once;
 * - time to resolve: creation → final resolution (the last move into solved, or into closed without
 *   solving), for tickets resolved now; percentiles by the nearest-rank method;
 * - CSAT: mean of 1–5 scores, and the share of 4s and 5s; NPS: % promoters (9–10) − % detractors (0–6);
 * - backlog age: age of each unresolved ticket now.
 */
import { toZoned, zonedTimeToUtc } from '../sla/calendar.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Priority, Status } from '../tickets/model.ts';

export interface KpiTicket {
  id: string;
  createdAt: string;
  priority: Priority;
  status: Status;
  activity: readonly TicketActivity[];
}

export interface SurveyScore {
  ticketId: string;
  submittedAt: string;
  /** 1–5 */
  csat?: number | undefined;
  /** 0–10 */
  nps?: number | undefined;
}

const RESOLVED: ReadonlySet<Status> = new Set(['solved', 'closed']);
const MINUTE_MS = 60_000;
const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / MINUTE_MS;

/** Nearest-rank percentile (the smallest value with at least p % of the values at or below it). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** What one ticket contributes to the KPIs. */
export interface TicketFacts {
  id: string;
  createdAt: string;
  priority: Priority;
  firstResponseMinutes: number | null;
  /** Resolved (solved or closed) at least once. */
  everResolved: boolean;
  /** Resolved now: creation → final resolution. */
  resolutionMinutes: number | null;
  reopened: boolean;
  /** Public agent replies before the first resolution. */
  repliesBeforeResolution: number;
  /** null: not resolved yet, or resolved without any public reply (not a contact). */
  firstContactResolution: boolean | null;
  /** Agent time recorded on the ticket; null when none was recorded. */
  handleSeconds: number | null;
}

export function factsOf(t: KpiTicket): TicketFacts {
  let firstResponseAt: string | null = null;
  let resolvedAt: string | null = null;
  let everResolved = false;
  let reopened = false;
  let replies = 0;
  let handle = 0;
  let handleRecorded = false;
  for (const a of t.activity) {
    switch (a.type) {
      case 'agent-reply':
        if (a.timeSpentSeconds !== undefined) {
          handle += a.timeSpentSeconds;
          handleRecorded = true;
        }
        if (a.visibility !== 'public') break;
        firstResponseAt ??= a.at;
        if (!everResolved) replies += 1;
        break;
      case 'status-changed': {
        const wasResolved = RESOLVED.has(a.from);
        const isResolved = RESOLVED.has(a.to);
        if (!wasResolved && isResolved) {
          resolvedAt = a.at;
          everResolved = true;
        } else if (wasResolved && !isResolved) {
          reopened = true;
          resolvedAt = null;
        }
        break;
      }
      default:
        break;
    }
  }
  const resolvedNow = RESOLVED.has(t.status);
  return {
    id: t.id,
    createdAt: t.createdAt,
    priority: t.priority,
    firstResponseMinutes: firstResponseAt ? minutesBetween(t.createdAt, firstResponseAt) : null,
    everResolved,
    resolutionMinutes: resolvedNow && resolvedAt ? minutesBetween(t.createdAt, resolvedAt) : null,
    reopened,
    repliesBeforeResolution: replies,
    firstContactResolution: !everResolved || replies === 0 ? null : replies === 1 && !reopened,
    handleSeconds: handleRecorded ? handle : null,
  };
}

export interface KpiValues {
  /** Tickets created in the window. */
  tickets: number;
  /** Of those, resolved now. */
  resolved: number;
  firstResponseTime: {
    count: number;
    medianMinutes: number | null;
    meanMinutes: number | null;
    p90Minutes: number | null;
  };
  averageHandleTime: { count: number; minutes: number | null };
  firstContactResolution: { eligible: number; resolvedOnFirstContact: number; rate: number | null };
  reopenRate: { resolved: number; reopened: number; rate: number | null };
  timeToResolve: {
    count: number;
    p50Minutes: number | null;
    p90Minutes: number | null;
    p95Minutes: number | null;
  };
  csat: { responses: number; average: number | null; satisfiedShare: number | null };
  nps: { responses: number; promoters: number; passives: number; detractors: number; score: number | null };
}

export function csatOf(scores: readonly SurveyScore[]): KpiValues['csat'] {
  const values = scores.flatMap((s) => (s.csat === undefined ? [] : [s.csat]));
  return {
    responses: values.length,
    average: mean(values),
    satisfiedShare: ratio(values.filter((v) => v >= 4).length, values.length),
  };
}

export function npsOf(scores: readonly SurveyScore[]): KpiValues['nps'] {
  const values = scores.flatMap((s) => (s.nps === undefined ? [] : [s.nps]));
  const promoters = values.filter((v) => v >= 9).length;
  const detractors = values.filter((v) => v <= 6).length;
  return {
    responses: values.length,
    promoters,
    passives: values.length - promoters - detractors,
    detractors,
    score: values.length === 0 ? null : ((promoters - detractors) / values.length) * 100,
  };
}

/** Every ticket KPI over one set of tickets and the survey answers given in the same window. */
export function aggregateKpis(facts: readonly TicketFacts[], surveys: readonly SurveyScore[]): KpiValues {
  const frt = facts.flatMap((f) => (f.firstResponseMinutes === null ? [] : [f.firstResponseMinutes]));
  const ttr = facts.flatMap((f) => (f.resolutionMinutes === null ? [] : [f.resolutionMinutes]));
  const handled = facts.flatMap((f) => (f.handleSeconds === null ? [] : [f.handleSeconds / 60]));
  const fcrEligible = facts.filter((f) => f.firstContactResolution !== null);
  const everResolved = facts.filter((f) => f.everResolved);
  return {
    tickets: facts.length,
    resolved: ttr.length,
    firstResponseTime: {
      count: frt.length,
      medianMinutes: percentile(frt, 50),
      meanMinutes: mean(frt),
      p90Minutes: percentile(frt, 90),
    },
    averageHandleTime: { count: handled.length, minutes: mean(handled) },
    firstContactResolution: {
      eligible: fcrEligible.length,
      resolvedOnFirstContact: fcrEligible.filter((f) => f.firstContactResolution).length,
      rate: ratio(fcrEligible.filter((f) => f.firstContactResolution).length, fcrEligible.length),
    },
    reopenRate: {
      resolved: everResolved.length,
      reopened: everResolved.filter((f) => f.reopened).length,
      rate: ratio(everResolved.filter((f) => f.reopened).length, everResolved.length),
    },
    timeToResolve: {
      count: ttr.length,
      p50Minutes: percentile(ttr, 50),
      p90Minutes: percentile(ttr, 90),
      p95Minutes: percentile(ttr, 95),
    },
    csat: csatOf(surveys),
    nps: npsOf(surveys),
  };
}

export const BACKLOG_AGE_BANDS = [
  { label: 'under 1 day', maxHours: 24 },
  { label: '1–3 days', maxHours: 72 },
  { label: '3–7 days', maxHours: 168 },
  { label: '7–30 days', maxHours: 720 },
  { label: '30 days or more', maxHours: Number.POSITIVE_INFINITY },
] as const;

export interface BacklogAge {
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
  oldestHours: number | null;
  byAge: Array<{ label: string; count: number }>;
  byStatus: Partial<Record<Status, number>>;
}

/** Age of the unresolved tickets at `now`. */
export function backlogAgeOf(
  tickets: ReadonlyArray<{ createdAt: string; status: Status }>,
  now: Date,
): BacklogAge {
  const open = tickets.filter((t) => !RESOLVED.has(t.status));
  const ages = open.map((t) => (now.getTime() - Date.parse(t.createdAt)) / 3_600_000);
  const byStatus: Partial<Record<Status, number>> = {};
  for (const t of open) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  const byAge = BACKLOG_AGE_BANDS.map((band, i) => {
    const min = i === 0 ? Number.NEGATIVE_INFINITY : BACKLOG_AGE_BANDS[i - 1]!.maxHours;
    return { label: band.label, count: ages.filter((a) => a >= min && a < band.maxHours).length };
  });
  return {
    count: open.length,
    medianHours: percentile(ages, 50),
    p90Hours: percentile(ages, 90),
    oldestHours: ages.length ? Math.max(...ages) : null,
    byAge,
    byStatus,
  };
}

export type TrendSize = 'daily' | 'weekly';

/**
 * Bucket boundaries for a trend over [from, to): local midnights in the desk's zone (Mondays for
 * weekly buckets), so a day is the desk's day, including across DST changes. The first bucket
 * starts at or before `from`.
 */
export function trendBuckets(
  from: Date,
  to: Date,
  zone: string,
  size: TrendSize,
): Array<{ start: string; end: string; label: string }> {
  const z = toZoned(zone, from.getTime());
  // Monday on or before `from` for weekly buckets (weekday 0 = Sunday).
  let day = size === 'weekly' ? z.day - ((z.weekday + 6) % 7) : z.day;
  const step = size === 'weekly' ? 7 : 1;
  const buckets: Array<{ start: string; end: string; label: string }> = [];
  let start = zonedTimeToUtc(zone, z.year, z.month, day);
  while (start < to.getTime()) {
    const end = zonedTimeToUtc(zone, z.year, z.month, day + step);
    const local = toZoned(zone, start);
    const label = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
    buckets.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), label });
    day += step;
    start = end;
  }
  return buckets;
}

/** Index of the bucket holding `at`, or -1. Buckets are sorted and contiguous. */
export function bucketIndexOf(buckets: ReadonlyArray<{ start: string; end: string }>, at: string): number {
  let lo = 0;
  let hi = buckets.length - 1;
  const t = Date.parse(at);
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = buckets[mid]!;
    if (t < Date.parse(b.start)) hi = mid - 1;
    else if (t >= Date.parse(b.end)) lo = mid + 1;
    else return mid;
  }
  return -1;
}
