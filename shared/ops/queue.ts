/**
 * The ops queue: a desk's unresolved tickets, most urgent SLA deadline first, each with the time
 * left on its tightest clock (in that clock's own time: business minutes for business-hours
 * targets) and a risk level. Pure: the caller passes the SLA state the engine computed at `now`.
 */
import type { Metric } from '../policy/schema.ts';
import type { SlaMetric, SlaState } from '../sla/engine.ts';
import type { TicketSummary } from '../tickets/ports.ts';

export const RISK_LEVELS = ['breached', 'at-risk', 'on-track', 'paused', 'no-clock'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Shown beside the colour on the ops page, so risk never depends on colour alone. */
export const RISK_LABELS: Record<RiskLevel, string> = {
  breached: 'Breached',
  'at-risk': 'At risk',
  'on-track': 'On track',
  paused: 'Paused',
  'no-clock': 'No SLA clock',
};

/** Share of a target after which a clock with no warning threshold in its pack counts as at risk. */
export const DEFAULT_AT_RISK_FRACTION = 0.75;

export interface QueueDeadline {
  metric: Metric;
  cycle: number;
  /** Instant the target is (or was) used up; null while the clock is paused. */
  deadline: string | null;
  /** Target minus elapsed, in the clock's own minutes; negative once breached. */
  minutesLeft: number;
  targetMinutes: number;
  clock: 'business' | 'calendar';
  calendar: string | null;
  state: SlaMetric['state'];
  rule: string;
}

/** The requester's address and name (no id): the queue's requester column and its search. */
export type QueueTicket = { requester?: { email: string; name?: string | undefined } } & Omit<
  TicketSummary,
  'desk' | 'requester'
>;

export interface QueueEntry {
  ticket: QueueTicket;
  risk: { level: RiskLevel; label: string; reason: string };
  /** The open clock with the least time left; null when no clock runs. */
  next: QueueDeadline | null;
  /** Every open clock, tightest first. */
  clocks: QueueDeadline[];
  /** The workflow's next look at the ticket (the index's sort key). */
  nextCheckpoint: string | null;
}

/**
 * Minutes of a metric's own clock between two instants (business minutes on its calendar, or
 * elapsed minutes for a calendar clock). Without it, time left is target − elapsed whole minutes.
 */
export type ClockMeasure = (metric: SlaMetric, from: Date, to: Date) => number;

function minutesLeftOf(m: SlaMetric, now: Date, measure: ClockMeasure | undefined): number {
  if (!measure || !m.deadline) return m.targetMinutes - m.elapsedMinutes;
  const deadline = new Date(m.deadline);
  // Whole minutes, rounded towards the deadline: "4 min left" until a full 4 are gone.
  return deadline > now ? Math.floor(measure(m, now, deadline)) : -Math.floor(measure(m, deadline, now));
}

const deadlineAt = (m: SlaMetric, now: Date, measure?: ClockMeasure): QueueDeadline => ({
  metric: m.metric,
  cycle: m.cycle,
  deadline: m.deadline,
  minutesLeft: minutesLeftOf(m, now, measure),
  targetMinutes: m.targetMinutes,
  clock: m.clock,
  calendar: m.calendar,
  state: m.state,
  rule: m.rule,
});

const byUrgency = (a: QueueDeadline, b: QueueDeadline) => {
  // Running clocks before paused ones; then by the instant the target runs out; then by time left.
  if ((a.deadline === null) !== (b.deadline === null)) return a.deadline === null ? 1 : -1;
  if (a.deadline && b.deadline && a.deadline !== b.deadline) return a.deadline < b.deadline ? -1 : 1;
  return a.minutesLeft - b.minutesLeft;
};

function fmtMinutes(minutes: number): string {
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/** Risk of one ticket from its open clocks at `now`. */
export function riskOf(
  clocks: readonly SlaMetric[],
  now: Date,
  measure?: ClockMeasure,
): { level: RiskLevel; label: string; reason: string } {
  const deadlineOf = (m: SlaMetric) => deadlineAt(m, now, measure);
  const open = clocks.filter((m) => m.open);
  const level = (l: RiskLevel, reason: string) => ({ level: l, label: RISK_LABELS[l], reason });
  const breached = open.filter((m) => m.state === 'breached');
  if (breached.length) {
    const worst = breached.map(deadlineOf).sort(byUrgency)[0]!;
    return level(
      'breached',
      `${worst.metric} target of ${worst.targetMinutes} ${worst.clock} min missed ${fmtMinutes(-worst.minutesLeft)} ago`,
    );
  }
  const running = open.filter((m) => m.state === 'running');
  const nowIso = now.toISOString();
  for (const m of [...running].sort((a, b) => byUrgency(deadlineOf(a), deadlineOf(b)))) {
    const firstWarning = m.warnAt[0];
    const warned = firstWarning !== undefined && firstWarning <= nowIso;
    const usedUp = m.warnAt.length === 0 && m.elapsedMinutes >= m.targetMinutes * DEFAULT_AT_RISK_FRACTION;
    if (warned || usedUp) {
      return level(
        'at-risk',
        `${m.metric}: ${fmtMinutes(deadlineOf(m).minutesLeft)} of ${m.targetMinutes} ${m.clock} min left${warned ? ' (past the warning threshold)' : ''}`,
      );
    }
  }
  if (running.length) {
    const next = running.map(deadlineOf).sort(byUrgency)[0]!;
    return level('on-track', `${next.metric}: ${fmtMinutes(next.minutesLeft)} ${next.clock} time left`);
  }
  if (open.length) return level('paused', 'every open clock is paused (waiting on the customer)');
  return level('no-clock', 'no SLA target applies to this ticket now');
}

/** One queue row for a ticket and its SLA state at `now` (state undefined: the desk has no pack). */
export function queueEntryOf(
  ticket: QueueTicket,
  state: SlaState | undefined,
  nextCheckpoint: string | null,
  now: Date,
  measure?: ClockMeasure,
): QueueEntry {
  const metrics = state?.metrics ?? [];
  const clocks = metrics
    .filter((m) => m.open)
    .map((m) => deadlineAt(m, now, measure))
    .sort(byUrgency);
  return {
    ticket: {
      id: ticket.id,
      subject: ticket.subject,
      status: ticket.status,
      priority: ticket.priority,
      plan: ticket.plan,
      channel: ticket.channel,
      tier: ticket.tier,
      assignee: ticket.assignee,
      createdAt: ticket.createdAt,
      updatedAt: ticket.updatedAt,
      ...(ticket.requester
        ? {
            requester: {
              email: ticket.requester.email,
              ...(ticket.requester.name ? { name: ticket.requester.name } : {}),
            },
          }
        : {}),
    },
    risk: riskOf(metrics, now, measure),
    next: clocks[0] ?? null,
    clocks,
    nextCheckpoint,
  };
}

const RISK_RANK: Record<RiskLevel, number> = {
  breached: 0,
  'at-risk': 1,
  'on-track': 2,
  paused: 3,
  'no-clock': 4,
};

/**
 * Queue order: soonest deadline first (a breached clock's deadline is in the past, so breaches lead,
 * longest-overdue first); paused and clock-less tickets last; ties by risk, then oldest ticket.
 */
export function compareQueueEntries(a: QueueEntry, b: QueueEntry): number {
  if (a.next && b.next) {
    const c = byUrgency(a.next, b.next);
    if (c !== 0) return c;
  } else if (a.next || b.next) {
    return a.next ? -1 : 1;
  }
  const r = RISK_RANK[a.risk.level] - RISK_RANK[b.risk.level];
  if (r !== 0) return r;
  return a.ticket.createdAt < b.ticket.createdAt ? -1 : a.ticket.createdAt > b.ticket.createdAt ? 1 : 0;
}
