/**
 * Monthly availability from the status incidents, and the service credit it earns. Pure.
 *
 * - Months are UTC calendar months: a month is the same number of minutes whatever a desk's zone or
 *   daylight saving does, and a bill's month is the same for every reader.
 * - An outage incident affects its components (none named: every component) from `startedAt` (default:
 *   when it was opened) until it is resolved (or the end of the window while it is open). An affected
 *   minute counts as down by the pack's weight for the incident's impact (e.g. a partial outage 0.3).
 * - Overlapping incidents never count a minute twice: a minute counts at the highest weight among the
 *   incidents affecting it.
 * - Maintenance windows announced before they start are excluded: their components count as up, and a
 *   minute in which every component of the plan is in maintenance leaves the denominator.
 * - Security incidents are not availability events (they are handled by the breach timer).
 */
import type { PolicyPack } from '../policy/schema.ts';
import type { Impact, Incident } from './model.ts';

export type AvailabilityPolicy = NonNullable<PolicyPack['availability']>;
export type PlanAvailabilityPolicy = AvailabilityPolicy['plans'][number];

export interface Window {
  /** Epoch milliseconds, inclusive. */
  start: number;
  /** Epoch milliseconds, exclusive. */
  end: number;
}

/** What availability reads of an incident. */
export interface AvailabilityEvent {
  kind: 'outage' | 'maintenance';
  /** Affected components; empty = every component. */
  components: readonly string[];
  weight: number;
  start: number;
  end: number;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The UTC month `YYYY-MM` as a window. */
export function monthWindow(month: string): Window {
  const m = MONTH_RE.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return { start: Date.UTC(year, index, 1), end: Date.UTC(year, index + 1, 1) };
}

/** The UTC month an instant falls in. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);

/** The month before `month`. */
export function previousMonth(month: string): string {
  const { start } = monthWindow(month);
  return monthOf(new Date(start - 1));
}

/** Reads an incident as an availability event; null when it is none (security, or no weight). */
export function availabilityEvent(
  incident: Incident,
  weights: AvailabilityPolicy['impactWeights'],
  now: Date,
): AvailabilityEvent | null {
  const category = incident.category ?? 'incident';
  if (category === 'security') return null;
  if (category === 'maintenance') {
    if (!incident.window) return null;
    return {
      kind: 'maintenance',
      components: incident.components ?? [],
      weight: 0,
      start: Date.parse(incident.window.startsAt),
      end: Date.parse(incident.window.endsAt),
    };
  }
  const weight = incident.impact === 'none' ? 0 : weights[incident.impact as Exclude<Impact, 'none'>];
  if (weight <= 0) return null;
  return {
    kind: 'outage',
    components: incident.components ?? [],
    weight,
    start: Date.parse(incident.startedAt ?? incident.createdAt),
    end: incident.resolvedAt ? Date.parse(incident.resolvedAt) : now.getTime(),
  };
}

const touches = (event: AvailabilityEvent, component: string) =>
  event.components.length === 0 || event.components.includes(component);

export interface AvailabilityFigures {
  /** Minutes the service was promised in the window (maintenance taken out). */
  eligibleMinutes: number;
  /** Weighted minutes down. */
  downtimeMinutes: number;
  /** 100 when nothing was eligible. */
  availabilityPercent: number;
}

/**
 * Availability of a set of components over a window: at each instant the highest weight of an outage
 * touching a component not in maintenance; the instant leaves the denominator when every component is
 * in maintenance.
 */
export function availabilityOf(
  components: readonly string[],
  events: readonly AvailabilityEvent[],
  window: Window,
): AvailabilityFigures {
  const relevant = events
    .map((e) => ({ ...e, start: Math.max(e.start, window.start), end: Math.min(e.end, window.end) }))
    .filter((e) => e.end > e.start && components.some((c) => touches(e, c)));
  const cuts = [...new Set([window.start, window.end, ...relevant.flatMap((e) => [e.start, e.end])])].sort(
    (a, b) => a - b,
  );
  let eligible = 0;
  let down = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    const active = relevant.filter((e) => e.start <= from && e.end >= to);
    const inMaintenance = new Set(
      components.filter((c) => active.some((e) => e.kind === 'maintenance' && touches(e, c))),
    );
    if (inMaintenance.size === components.length) continue;
    const up = components.filter((c) => !inMaintenance.has(c));
    const weight = Math.max(
      0,
      ...active.filter((e) => e.kind === 'outage' && up.some((c) => touches(e, c))).map((e) => e.weight),
    );
    eligible += to - from;
    down += (to - from) * weight;
  }
  const minutes = (ms: number) => ms / 60_000;
  return {
    eligibleMinutes: minutes(eligible),
    downtimeMinutes: minutes(down),
    availabilityPercent: eligible === 0 ? 100 : 100 * (1 - down / eligible),
  };
}

/** The credit a month's availability earns on a plan: the deepest tier it fell below (0 when it met the target). */
export function creditPercentFor(availabilityPercent: number, plan: PlanAvailabilityPolicy): number {
  let credit = 0;
  for (const tier of plan.credits) if (availabilityPercent < tier.belowPercent) credit = tier.creditPercent;
  return credit;
}

/** Rounded for display and records; comparisons use the exact figure. */
export const roundPercent = (value: number) => Math.round(value * 10_000) / 10_000;

export interface PlanAvailability {
  plan: string;
  targetPercent: number;
  availabilityPercent: number;
  downtimeMinutes: number;
  eligibleMinutes: number;
  met: boolean;
  creditPercent: number;
}

export interface ComponentAvailability {
  component: string;
  name: string;
  availabilityPercent: number;
  downtimeMinutes: number;
}

/** Every plan's and component's availability over a window, from a desk's incidents. */
export function deskAvailability(
  incidents: readonly Incident[],
  policy: AvailabilityPolicy,
  window: Window,
  now: Date,
): { plans: PlanAvailability[]; components: ComponentAvailability[] } {
  const events = incidents
    .map((i) => availabilityEvent(i, policy.impactWeights, now))
    .filter((e): e is AvailabilityEvent => e !== null);
  const all = policy.components.map((c) => c.id);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    plans: policy.plans.map((p) => {
      const figures = availabilityOf(p.components ?? all, events, window);
      return {
        plan: p.plan,
        targetPercent: p.targetPercent,
        availabilityPercent: roundPercent(figures.availabilityPercent),
        downtimeMinutes: round(figures.downtimeMinutes),
        eligibleMinutes: round(figures.eligibleMinutes),
        met: figures.availabilityPercent >= p.targetPercent,
        creditPercent: creditPercentFor(figures.availabilityPercent, p),
      };
    }),
    components: policy.components.map((c) => {
      const figures = availabilityOf([c.id], events, window);
      return {
        component: c.id,
        name: c.name,
        availabilityPercent: roundPercent(figures.availabilityPercent),
        downtimeMinutes: round(figures.downtimeMinutes),
      };
    }),
  };
}
