/**
 * The SLA engine: a pure, event-sourced function from (policy pack, ticket events, now) to the
 * ticket's SLA state. It replays the events in time order and, between them, fires every clock
 * point that falls due (warnings, breaches, escalations, notices), so the same input always gives
 * the same log, the same actions (with stable ids) and the same next checkpoint.
 *
 * Semantics (the reasons are in docs/policy-packs.md):
 * - first response: from creation until the first public agent reply (an internal note does not count);
 * - next response: from a customer message that follows a public agent reply, until the next public reply;
 * - periodic update: from the first public reply (or creation, per pack), restarted by every public reply;
 * - resolution: from creation (or reopen) until solved;
 * - assignment: from creation until the ticket is assigned to a staff member (an on-call one when
 *   the rule says so); never restarts;
 * - pausing keeps elapsed time; a priority or plan change re-times every open metric from its elapsed
 *   time (if the new target is already used up, the breach happens at the change instant);
 * - a public reply while solved does not count; reopening restarts resolution, next response and
 *   periodic updates, never first response; closed ends everything.
 * - a target that is met at exactly its deadline is met (the breach fires only if nothing happened
 *   by then).
 */
import * as z from '#shared/validation/zod.ts';
import type { Metric, Notice, PolicyPack } from '../policy/schema.ts';
import { METRICS } from '../policy/vocabulary.ts';
import { Channel, Priority, Status, Tier } from '../tickets/model.ts';
import { MINUTE_MS } from './calendar.ts';
import {
  type ClockPoint,
  type CompiledPack,
  type CompiledRule,
  type CompiledTrigger,
  compilePack,
  selectorMatches,
  type TicketAttributes,
} from './compiled-pack.ts';

// ---------------------------------------------------------------------------------------------
// Input and output types
// ---------------------------------------------------------------------------------------------

const At = z.iso.datetime({ offset: true });

/** One thing that happened to a ticket (zod schema, for API and CLI boundaries). */
export const SlaInputEvent = z.discriminatedUnion('type', [
  z.strictObject({
    at: At,
    type: z.literal('ticket-created'),
    priority: Priority,
    plan: z.string().check(z.minLength(1)),
    channel: Channel,
    status: Status,
  }),
  z.strictObject({ at: At, type: z.literal('customer-message') }),
  z.strictObject({ at: At, type: z.literal('agent-reply'), visibility: z.enum(['public', 'internal']) }),
  z.strictObject({
    at: At,
    type: z.literal('assigned'),
    /** The staff member's id; null when the ticket is unassigned. */
    to: z.nullable(z.string().check(z.minLength(1), z.maxLength(128))),
    /** Whether the directory listed the assignee as on call when they were assigned. */
    onCall: z._default(z.boolean(), false),
  }),
  z.strictObject({ at: At, type: z.literal('status-changed'), to: Status }),
  z.strictObject({ at: At, type: z.literal('priority-changed'), to: Priority }),
  z.strictObject({ at: At, type: z.literal('plan-changed'), to: z.string().check(z.minLength(1)) }),
  z.strictObject({
    at: At,
    type: z.literal('tier-changed'),
    to: Tier,
    /** Set when the SLA workflow made the change: the escalation action it applied. Absent: an agent's change. */
    actionId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  }),
]);
export type SlaInputEvent = z.infer<typeof SlaInputEvent>;

export type MetricState = 'running' | 'paused' | 'fulfilled' | 'breached' | 'cancelled';

export interface SlaMetric {
  metric: Metric;
  /** 1 for the first clock of this metric on the ticket, 2 after a restart, ... */
  cycle: number;
  state: MetricState;
  /** Still counting (running or paused, breached or not). */
  open: boolean;
  targetMinutes: number;
  clock: 'business' | 'calendar';
  calendar: string | null;
  activatedAt: string;
  /** When the target is (or was) used up; null while paused. */
  deadline: string | null;
  warnAt: string[];
  elapsedMinutes: number;
  breachedAt: string | null;
  endedAt: string | null;
  rule: string;
}

export type SlaLogType =
  | 'activated'
  | 'paused'
  | 'resumed'
  | 'fulfilled'
  | 'warned'
  | 'breached'
  | 'escalated'
  | 'recalculated'
  | 'cancelled'
  | 'notice-due';

export interface SlaLogEntry {
  at: string;
  type: SlaLogType;
  metric?: Metric;
  detail: string;
  rule: string;
  packVersion: string;
}

/** What an escalation notice must say: the level reached and why. */
export interface SlaEscalation {
  toTier: number;
  /** The level's name from the pack's ladder. */
  level: string;
  /** What happened, e.g. `ticket unresolved 240 calendar min after creation`. */
  why: string;
  /** The trigger's id in the pack. */
  rule: string;
  /** The policy's own words for the rule, when the pack quotes them. */
  policy?: string;
}

export interface SlaNotice {
  template: string;
  audience: string;
  promiseToCustomer: boolean;
  /** Escalation notices: the level and the reason. */
  escalation?: SlaEscalation;
}

export interface SlaAction {
  /** Stable across recomputations: the caller sends each action once per ticket. */
  id: string;
  at: string;
  kind: 'warn' | 'breach' | 'escalate' | 'notify' | 'periodic-update';
  metric?: Metric;
  toTier?: number;
  notice?: SlaNotice;
  rule: string;
}

export interface SlaState {
  packId: string;
  packVersion: string;
  ticket: { priority: Priority; plan: string; channel: Channel; status: Status; tier: number };
  metrics: SlaMetric[];
  log: SlaLogEntry[];
  actions: SlaAction[];
  nextCheckpoint: string | null;
}

export class SlaInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlaInputError';
  }
}

// ---------------------------------------------------------------------------------------------
// Engine internals
// ---------------------------------------------------------------------------------------------

interface Cycle {
  metric: Metric;
  n: number;
  rule: CompiledRule;
  activatedAt: number;
  /** Clock time (ms) counted before `segStart`. */
  elapsed: number;
  /** Running since this instant; null while paused. */
  segStart: number | null;
  open: boolean;
  outcome: 'fulfilled' | 'cancelled' | null;
  breachedAt: number | null;
  endedAt: number | null;
  deadline: number | null;
  fired: Map<string, number>;
}

interface Due {
  at: number;
  order: number;
  fire: () => void;
}

const METRIC_ORDER: Record<Metric, number> = {
  'first-response': 0,
  'next-response': 1,
  'periodic-update': 2,
  resolution: 3,
  assignment: 4,
};
const POINT_ORDER = { warn: 0, breach: 1, escalate: 2 } as const;
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (ms: number) => Math.floor(ms / MINUTE_MS + 1e-9);
const UNRESOLVED: ReadonlySet<Status> = new Set(['new', 'open', 'pending', 'on-hold']);

function clockText(rule: CompiledRule): string {
  return rule.clock === 'calendar'
    ? `${rule.minutes} calendar min`
    : `${rule.minutes} business min on calendar "${rule.calendarName}" (${rule.calendar.timeZone})`;
}

const isWorkflowTierChange = (e: SlaInputEvent) => e.type === 'tier-changed' && e.actionId !== undefined;

class SlaRun {
  private readonly cp: CompiledPack;
  private readonly version: string;
  private attrs: TicketAttributes = { priority: 'normal', plan: '', channel: 'email' };
  private status: Status = 'new';
  private tier = 1;
  private created = false;
  private createdAt = 0;
  private closed = false;
  private firstResponseDone = false;
  /** The current assignee, and whether they were on call when assigned. */
  private assignee: { id: string; onCall: boolean } | null = null;
  private awaitingReplySince: number | null = null;
  private resolutionAnchor = 0;
  private solvedCount = 0;
  private reopenCount = 0;
  private lastChangeAt = 0;
  private readonly cycles: Cycle[] = [];
  private readonly openCycles = new Map<Metric, Cycle>();
  private readonly counts: Record<Metric, number> = {
    'first-response': 0,
    'next-response': 0,
    'periodic-update': 0,
    resolution: 0,
    assignment: 0,
  };
  private readonly firedTicket = new Set<string>();
  readonly log: SlaLogEntry[] = [];
  readonly actions: SlaAction[] = [];

  constructor(pack: PolicyPack) {
    this.cp = compilePack(pack);
    this.version = this.cp.version;
  }

  run(events: readonly SlaInputEvent[], now: number): SlaState {
    const sorted = events
      .map((e, i) => ({ e, i, at: Date.parse(e.at) }))
      .sort((a, b) => a.at - b.at || a.i - b.i);
    if (sorted[0]?.e.type !== 'ticket-created') {
      throw new SlaInputError('the first event (in time order) must be ticket-created');
    }
    for (const { e, at } of sorted) {
      if (Number.isNaN(at)) throw new SlaInputError(`invalid event time ${JSON.stringify(e.at)}`);
    }
    for (const { e, at } of sorted) {
      if (at > now) break;
      // The workflow records an escalation when it applies it, at or after the instant it fell due:
      // everything due by then has happened before that record (an agent's change at the same
      // instant comes first instead, so a target met exactly at its deadline stays met).
      this.fireDue(at, isWorkflowTierChange(e));
      this.apply(e, at);
    }
    this.fireDue(now, true);
    const next = this.closed ? null : this.nextDue(now);
    return {
      packId: this.cp.pack.id,
      packVersion: this.version,
      ticket: { ...this.attrs, status: this.status, tier: this.tier },
      metrics: this.cycles.map((c) => this.describe(c, now)),
      log: this.log,
      actions: this.actions,
      nextCheckpoint: next === null ? null : iso(next),
    };
  }

  // ----- events ------------------------------------------------------------------------------

  private apply(e: SlaInputEvent, at: number): void {
    if (e.type === 'ticket-created') {
      if (this.created) throw new SlaInputError('ticket-created appears twice');
      this.created = true;
      this.createdAt = at;
      this.resolutionAnchor = at;
      this.attrs = { priority: e.priority, plan: e.plan, channel: e.channel };
      this.status = e.status;
      this.lastChangeAt = at;
      this.emitNotices('ticket-created', at, 'ticket-created', {});
      if (e.status === 'closed') {
        this.closed = true;
        return;
      }
      if (e.status === 'solved') return;
      this.activate('first-response', at);
      this.activate('resolution', at);
      this.activate('assignment', at);
      if (this.cp.periodicStartsAfter === 'ticket-created') this.activate('periodic-update', at);
      return;
    }
    if (this.closed) return;
    this.lastChangeAt = at;
    switch (e.type) {
      case 'customer-message':
        if (this.status === 'solved') {
          this.reopen(at, 'open', 'customer message on a solved ticket');
        } else if (this.status === 'pending') {
          this.setStatus(at, 'open', 'customer replied to a pending ticket');
        }
        if (this.firstResponseDone && this.awaitingReplySince === null) {
          this.awaitingReplySince = at;
          if (!this.openCycles.has('next-response')) this.activate('next-response', at);
        }
        return;
      case 'agent-reply':
        if (e.visibility !== 'public' || this.status === 'solved') return;
        this.firstResponseDone = true;
        this.awaitingReplySince = null;
        this.end('first-response', at, 'fulfilled', 'public agent reply');
        this.end('next-response', at, 'fulfilled', 'public agent reply');
        this.end('periodic-update', at, 'fulfilled', 'public agent update');
        this.activate('periodic-update', at);
        return;
      case 'assigned':
        this.assignee = e.to === null ? null : { id: e.to, onCall: e.onCall };
        this.checkAssignment(at);
        return;
      case 'status-changed':
        this.changeStatus(at, e.to);
        return;
      case 'priority-changed': {
        if (e.to === this.attrs.priority) return;
        const before = this.attrs;
        this.attrs = { ...this.attrs, priority: e.to };
        this.recalculate(at, `priority changed to ${e.to}`);
        this.emitStaffAlertsOfConfirmedPriority(before, at, e.to);
        return;
      }
      case 'plan-changed':
        if (e.to === this.attrs.plan) return;
        this.attrs = { ...this.attrs, plan: e.to };
        this.recalculate(at, `plan changed to ${e.to}`);
        return;
      case 'tier-changed':
        if (e.actionId !== undefined) {
          // The workflow applying an escalation this replay has already derived changes nothing;
          // one the pack no longer derives (it changed since) still happened, once, by the workflow.
          if (e.to > this.tier) {
            this.entry(
              at,
              'escalated',
              `tier ${this.tier} → ${e.to}${this.levelText(e.to)}, by the SLA workflow (action ${e.actionId})`,
              'sla-workflow',
            );
            this.tier = e.to;
          }
          return;
        }
        if (e.to !== this.tier) {
          this.entry(at, 'escalated', `tier ${this.tier} → ${e.to} (changed by an agent)`, 'manual');
          this.tier = e.to;
        }
        return;
    }
  }

  private changeStatus(at: number, to: Status): void {
    const from = this.status;
    if (to === from) return;
    if (to === 'closed') {
      this.status = to;
      for (const m of METRICS) {
        this.end(m, at, m === 'resolution' ? 'fulfilled' : 'cancelled', 'ticket closed');
      }
      this.closed = true;
      this.emitNotices('closed', at, 'closed', {});
      return;
    }
    if (to === 'solved') {
      this.status = to;
      this.solvedCount += 1;
      this.awaitingReplySince = null;
      this.end('resolution', at, 'fulfilled', 'ticket solved');
      this.end('first-response', at, 'cancelled', 'ticket solved before any public reply');
      this.end('next-response', at, 'cancelled', 'ticket solved without replying');
      this.end('periodic-update', at, 'cancelled', 'ticket solved');
      this.end('assignment', at, 'cancelled', 'ticket solved before the assignment');
      this.emitNotices('solved', at, `solved:${this.solvedCount}`, {});
      return;
    }
    if (from === 'solved') {
      this.reopen(at, to, `status ${from} → ${to}`);
      return;
    }
    this.setStatus(at, to, `status ${from} → ${to}`);
  }

  private reopen(at: number, to: Status, why: string): void {
    this.status = to;
    this.reopenCount += 1;
    this.resolutionAnchor = at;
    const reason = `reopened (${why})`;
    this.activate('resolution', at, at, reason);
    this.awaitingReplySince = at;
    this.activate('next-response', at, at, reason);
    if (this.cp.periodicStartsAfter === 'ticket-created' || this.firstResponseDone) {
      this.activate('periodic-update', at, at, reason);
    }
    this.emitNotices('reopened', at, `reopened:${this.reopenCount}`, {});
  }

  private setStatus(at: number, to: Status, why: string): void {
    this.status = to;
    for (const c of this.openCycles.values()) {
      const shouldPause = this.isPaused(c.metric);
      if (shouldPause && c.segStart !== null) {
        c.elapsed += c.rule.calendar.between(c.segStart, at);
        c.segStart = null;
        c.deadline = null;
        this.entry(
          at,
          'paused',
          `${why}: clock paused after ${minutes(c.elapsed)} of ${c.rule.minutes} min`,
          c.rule.id,
          c.metric,
        );
      } else if (!shouldPause && c.segStart === null) {
        c.segStart = at;
        this.computeDeadline(c);
        this.entry(
          at,
          'resumed',
          `${why}: clock resumed at ${minutes(c.elapsed)} of ${c.rule.minutes} min; deadline ${this.deadlineText(c)}`,
          c.rule.id,
          c.metric,
        );
      }
    }
  }

  /** Meets the open assignment clock when the current assignee is who its rule asks for. */
  private checkAssignment(at: number): void {
    const c = this.openCycles.get('assignment');
    if (!c || !this.assignee) return;
    if (c.rule.assignee === 'on-call' && !this.assignee.onCall) return;
    const who = c.rule.assignee === 'on-call' ? 'an on-call staff member' : 'a staff member';
    this.end('assignment', at, 'fulfilled', `assigned to ${who}`);
  }

  private isPaused(metric: Metric): boolean {
    return this.cp.pausedMetrics.get(this.status)?.has(metric) ?? false;
  }

  /** Re-times every open metric from its elapsed time after a priority or plan change. */
  private recalculate(at: number, why: string): void {
    for (const c of [...this.openCycles.values()]) {
      const rule = this.cp.resolve(c.metric, this.attrs);
      if (rule === c.rule) continue;
      if (c.segStart !== null) {
        c.elapsed += c.rule.calendar.between(c.segStart, at);
        c.segStart = at;
      }
      if (!rule) {
        this.end(c.metric, at, 'cancelled', `${why}: no ${c.metric} target applies any more`);
        continue;
      }
      const old = c.rule;
      c.rule = rule;
      if (c.elapsed >= rule.targetMs) {
        // Already used up: the breach fires at this instant; warnings before it are moot.
        for (const p of rule.points) if (p.kind === 'warn' && !c.fired.has(p.key)) c.fired.set(p.key, -1);
      }
      this.computeDeadline(c);
      this.entry(
        at,
        'recalculated',
        `${why}: target ${old.id} (${clockText(old)}) → ${rule.id} (${clockText(rule)}); elapsed ${minutes(c.elapsed)} min kept; deadline ${this.deadlineText(c)}`,
        rule.id,
        c.metric,
      );
    }
    if (this.status === 'solved') return;
    // Metrics without a clock (no target applied before) may have one now; activate() is a
    // no-op for a metric that already has an open clock or still has no target.
    if (!this.firstResponseDone && this.solvedCount === 0) {
      this.activate('first-response', at, this.createdAt, why);
    }
    if (this.counts.assignment === 0 && this.solvedCount === 0) {
      this.activate('assignment', at, this.createdAt, why);
      this.checkAssignment(at);
    }
    this.activate('resolution', at, this.resolutionAnchor, why);
    if (this.awaitingReplySince !== null) this.activate('next-response', at, this.awaitingReplySince, why);
    if (this.cp.periodicStartsAfter === 'ticket-created' || this.firstResponseDone) {
      this.activate('periodic-update', at, at, why);
    }
  }

  // ----- cycles ------------------------------------------------------------------------------

  /** Starts a clock for `metric` at `at` (counting from `anchor` when it is earlier). */
  private activate(metric: Metric, at: number, anchor = at, why?: string): void {
    if (this.openCycles.has(metric)) return;
    const rule = this.cp.resolve(metric, this.attrs);
    if (!rule) return;
    this.counts[metric] += 1;
    const paused = this.isPaused(metric);
    const c: Cycle = {
      metric,
      n: this.counts[metric],
      rule,
      activatedAt: anchor,
      elapsed: anchor < at ? rule.calendar.between(anchor, at) : 0,
      segStart: paused ? null : at,
      open: true,
      outcome: null,
      breachedAt: null,
      endedAt: null,
      deadline: null,
      fired: new Map(),
    };
    if (c.elapsed >= rule.targetMs) {
      for (const p of rule.points) if (p.kind === 'warn') c.fired.set(p.key, -1);
    }
    this.cycles.push(c);
    this.openCycles.set(metric, c);
    this.computeDeadline(c);
    const since = anchor < at ? ` (counting from ${iso(anchor)})` : '';
    const state = paused ? `paused (status ${this.status})` : `deadline ${this.deadlineText(c)}`;
    const prefix = why ? `${why}: ` : '';
    this.entry(
      at,
      'activated',
      `${prefix}${metric} #${c.n}: target ${clockText(rule)}${since}; ${state}`,
      rule.id,
      metric,
    );
  }

  private end(metric: Metric, at: number, outcome: 'fulfilled' | 'cancelled', why: string): void {
    const c = this.openCycles.get(metric);
    if (!c) return;
    if (c.segStart !== null) {
      c.elapsed += c.rule.calendar.between(c.segStart, at);
      c.segStart = null;
    }
    c.open = false;
    c.outcome = outcome;
    c.endedAt = at;
    this.openCycles.delete(metric);
    const late = c.breachedAt !== null ? ` (late: breached at ${iso(c.breachedAt)})` : '';
    this.entry(
      at,
      outcome,
      `${metric} #${c.n}: ${why} after ${minutes(c.elapsed)} of ${c.rule.minutes} min${late}`,
      c.rule.id,
      metric,
    );
  }

  private computeDeadline(c: Cycle): void {
    if (c.segStart === null) {
      c.deadline = null;
      return;
    }
    c.deadline = this.pointTime(c, c.rule.targetMs);
  }

  /** Instant at which the running cycle's clock reaches `atMs` (now-ish if already past). */
  private pointTime(c: Cycle, atMs: number): number {
    const start = c.segStart!;
    if (atMs <= c.elapsed) return start;
    const delta = atMs - c.elapsed;
    return c.rule.clock === 'calendar' ? start + delta : c.rule.calendar.add(start, delta);
  }

  private deadlineText(c: Cycle): string {
    if (c.deadline === null) return 'none while paused';
    return c.breachedAt !== null ? `${iso(c.deadline)} (already breached)` : iso(c.deadline);
  }

  // ----- clock points ------------------------------------------------------------------------

  private collect(untilMs: number, inclusive: boolean, sink: (d: Due) => void): void {
    const within = (t: number) => (inclusive ? t <= untilMs : t < untilMs);
    for (const c of this.openCycles.values()) {
      if (c.segStart === null) continue;
      for (const p of c.rule.points) {
        if (c.fired.has(p.key)) continue;
        const at = this.pointTime(c, p.atMs);
        if (!within(at)) break; // points are sorted by clock time
        if (p.trigger && this.escalationIsNoop(p.trigger, at)) continue;
        sink({
          at,
          order: POINT_ORDER[p.kind] * 10 + METRIC_ORDER[c.metric],
          fire: () => this.firePoint(c, p, at),
        });
      }
    }
    if (!UNRESOLVED.has(this.status)) return;
    for (const t of this.cp.elapsedTriggers) {
      const key = `escalate:${t.id}`;
      if (this.firedTicket.has(key) || !selectorMatches(t, this.attrs)) continue;
      const due = Math.max(t.calendar!.add(this.createdAt, t.afterMs!), this.lastChangeAt);
      if (this.escalationIsNoop(t, due)) continue;
      // Capped by age, the age step at an instant goes first: one escalation, not 1 → 2 → 3 at once.
      const order = this.cp.capByAge ? 19 : 25;
      if (within(due)) sink({ at: due, order, fire: () => this.fireElapsedTrigger(t, key, due) });
    }
    for (const n of this.cp.elapsedNotices) {
      const key = `notify:${n.notice.id}`;
      if (this.firedTicket.has(key) || !selectorMatches(n.notice, this.attrs)) continue;
      const due = Math.max(n.calendar.add(this.createdAt, n.afterMs), this.lastChangeAt);
      if (within(due)) {
        sink({
          at: due,
          order: 30,
          fire: () => {
            this.firedTicket.add(key);
            this.notify(n.notice, due, key, undefined);
          },
        });
      }
    }
  }

  private fireDue(untilMs: number, inclusive: boolean): void {
    const due: Due[] = [];
    this.collect(untilMs, inclusive, (d) => due.push(d));
    if (due.length === 0) return;
    due.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const d of due) d.fire();
  }

  private nextDue(afterMs: number): number | null {
    let best: number | null = null;
    this.collect(Number.POSITIVE_INFINITY, true, (d) => {
      if (d.at > afterMs && (best === null || d.at < best)) best = d.at;
    });
    return best;
  }

  private firePoint(c: Cycle, p: ClockPoint, at: number): void {
    c.fired.set(p.key, at);
    const rule = c.rule.id;
    if (p.kind === 'warn') {
      const id = `warn:${c.metric}:${p.label}:${c.n}`;
      const what = p.fraction !== undefined ? `${Math.round(p.fraction * 100)} % of` : `${p.label} of`;
      this.entry(
        at,
        'warned',
        `${c.metric} #${c.n}: ${what} ${clockText(c.rule)} used; deadline ${this.deadlineText(c)}`,
        rule,
        c.metric,
      );
      this.action({ id, at: iso(at), kind: 'warn', metric: c.metric, rule });
      this.emitNotices('warning', at, id, { metric: c.metric, fraction: p.fraction ?? null });
      return;
    }
    if (p.kind === 'breach') {
      c.breachedAt = at;
      this.entry(at, 'breached', `${c.metric} #${c.n}: target ${clockText(c.rule)} missed`, rule, c.metric);
      if (c.metric === 'periodic-update') {
        const id = `periodic-update:${c.n}`;
        this.action({ id, at: iso(at), kind: 'periodic-update', metric: c.metric, rule });
        this.emitNotices('periodic-update', at, id, { metric: c.metric });
        this.emitNotices('breach', at, id, { metric: c.metric });
      } else {
        const id = `breach:${c.metric}:${c.n}`;
        this.action({ id, at: iso(at), kind: 'breach', metric: c.metric, rule });
        this.emitNotices('breach', at, id, { metric: c.metric });
      }
      return;
    }
    const t = p.trigger!;
    this.escalate(
      t,
      at,
      `escalate:${t.id}:${c.metric}:${c.n}`,
      c.metric,
      `${c.metric} #${c.n} reached ${p.label}× its target`,
    );
  }

  private fireElapsedTrigger(t: CompiledTrigger, key: string, at: number): void {
    this.firedTicket.add(key);
    const mins = Math.round(t.afterMs! / MINUTE_MS);
    const clock = t.calendar!.name === '24x7' ? 'calendar' : `business (${t.calendar!.name})`;
    this.escalate(t, at, key, undefined, `ticket unresolved ${mins} ${clock} min after creation`);
  }

  /** Whether `t` firing at `at` would leave the tier where it is now (tiers only rise between events). */
  private escalationIsNoop(t: CompiledTrigger, at: number): boolean {
    return this.escalationTarget(t, at) <= this.tier;
  }

  /**
   * The highest tier the ticket's age allows at `at` when the pack caps by age: the top tier of the
   * elapsed (age) triggers that match the ticket and are due by then, at least 1.
   */
  private ageCap(at: number): number {
    let cap = 1;
    for (const t of this.cp.elapsedTriggers) {
      if (typeof t.toTier !== 'number' || t.toTier <= cap || !selectorMatches(t, this.attrs)) continue;
      if (t.calendar!.add(this.createdAt, t.afterMs!) <= at) cap = t.toTier;
    }
    return cap;
  }

  private levelText(tier: number): string {
    const level = this.cp.pack.escalation.levels.find((l) => l.tier === tier);
    return level ? ` (${level.name})` : '';
  }

  private escalationTarget(t: CompiledTrigger, at: number): number {
    const target = Math.min(t.toTier === 'next' ? this.tier + 1 : t.toTier, this.cp.maxTier);
    return this.cp.capByAge && t.fraction !== undefined ? Math.min(target, this.ageCap(at)) : target;
  }

  private escalate(
    t: CompiledTrigger,
    at: number,
    id: string,
    metric: Metric | undefined,
    why: string,
  ): void {
    const target = this.escalationTarget(t, at);
    if (target <= this.tier) return; // already there (or capped by age): nothing to do, no notice
    const from = this.tier;
    this.tier = target;
    this.entry(
      at,
      'escalated',
      `${why}: tier ${from} → ${target}${this.levelText(target)}, by the SLA workflow`,
      t.id,
      metric,
    );
    const action: SlaAction = { id, at: iso(at), kind: 'escalate', toTier: target, rule: t.id };
    if (metric) action.metric = metric;
    this.action(action);
    const escalation: SlaEscalation = {
      toTier: target,
      level: this.cp.pack.escalation.levels.find((l) => l.tier === target)?.name ?? `Tier ${target}`,
      why,
      rule: t.id,
      ...(t.reason ? { policy: t.reason } : {}),
    };
    for (const audience of t.notify) {
      this.notify(
        { id: `${t.id}.${audience}`, template: t.template, audience, promiseToCustomer: false },
        at,
        `notify:${t.id}.${audience}:${id}`,
        metric,
        escalation,
      );
    }
    this.emitNotices('escalation', at, id, metric ? { metric, escalation } : { escalation });
  }

  // ----- notices, log and actions ------------------------------------------------------------

  private emitNotices(
    when: Notice['when'],
    at: number,
    causeId: string,
    ctx: { metric?: Metric; fraction?: number | null; escalation?: SlaEscalation },
  ): void {
    for (const n of this.cp.noticesByEvent.get(when) ?? []) {
      if (!selectorMatches(n, this.attrs)) continue;
      if (n.metric && (!ctx.metric || !n.metric.includes(ctx.metric))) continue;
      if (n.threshold !== undefined && ctx.fraction !== n.threshold) continue;
      this.notify(n, at, `notify:${n.id}:${causeId}`, ctx.metric, ctx.escalation);
    }
  }

  /**
   * A priority raised by staff is a confirmed one: the staff alerts of a ticket opened at it (the
   * on-call page of a P1) fire now, once per priority. Customers' requested priorities never get
   * here: intake opens them at the entitled priority and only staff change a priority.
   */
  private emitStaffAlertsOfConfirmedPriority(before: typeof this.attrs, at: number, to: string): void {
    for (const n of this.cp.noticesByEvent.get('ticket-created') ?? []) {
      if (n.audience === 'customer' || !selectorMatches(n, this.attrs) || selectorMatches(n, before))
        continue;
      this.notify(n, at, `notify:${n.id}:priority-${to}`, undefined);
    }
  }

  private notify(
    n: Pick<Notice, 'id' | 'template' | 'audience' | 'promiseToCustomer'>,
    at: number,
    id: string,
    metric: Metric | undefined,
    escalation?: SlaEscalation,
  ): void {
    const promise = n.promiseToCustomer ? 'may state the target' : 'states no time';
    const level = escalation ? `: escalated to tier ${escalation.toTier} (${escalation.level})` : '';
    this.entry(at, 'notice-due', `${n.template} to ${n.audience} (${promise})${level}`, n.id, metric);
    const notice: SlaNotice = {
      template: n.template,
      audience: n.audience,
      promiseToCustomer: n.promiseToCustomer,
    };
    if (escalation) notice.escalation = escalation;
    const action: SlaAction = { id, at: iso(at), kind: 'notify', notice, rule: n.id };
    if (metric) action.metric = metric;
    this.action(action);
  }

  private action(a: SlaAction): void {
    this.actions.push(a);
  }

  private entry(at: number, type: SlaLogType, detail: string, rule: string, metric?: Metric): void {
    const e: SlaLogEntry = { at: iso(at), type, detail, rule, packVersion: this.version };
    if (metric) e.metric = metric;
    this.log.push(e);
  }

  // ----- output ------------------------------------------------------------------------------

  private describe(c: Cycle, now: number): SlaMetric {
    const elapsed =
      c.elapsed + (c.open && c.segStart !== null ? c.rule.calendar.between(c.segStart, now) : 0);
    const warnAt: string[] = [];
    for (const p of c.rule.points) {
      if (p.kind !== 'warn') continue;
      const fired = c.fired.get(p.key);
      if (fired !== undefined) {
        if (fired >= 0) warnAt.push(iso(fired));
      } else if (c.open && c.segStart !== null) {
        warnAt.push(iso(this.pointTime(c, p.atMs)));
      }
    }
    let state: MetricState;
    if (c.breachedAt !== null) state = 'breached';
    else if (c.open) state = c.segStart === null ? 'paused' : 'running';
    else state = c.outcome ?? 'cancelled';
    return {
      metric: c.metric,
      cycle: c.n,
      state,
      open: c.open,
      targetMinutes: c.rule.minutes,
      clock: c.rule.clock,
      calendar: c.rule.calendarName,
      activatedAt: iso(c.activatedAt),
      deadline: c.breachedAt !== null ? iso(c.breachedAt) : c.deadline === null ? null : iso(c.deadline),
      warnAt,
      elapsedMinutes: minutes(elapsed),
      breachedAt: c.breachedAt === null ? null : iso(c.breachedAt),
      endedAt: c.endedAt === null ? null : iso(c.endedAt),
      rule: c.rule.id,
    };
  }
}

/**
 * The SLA state of a ticket at `now`: every metric clock, the event log up to `now`, every action
 * due at or before `now` (ids are stable across calls) and the next instant at which the result
 * would change without new events. Pure: no I/O, no clock reads; events after `now` are ignored.
 */
export function computeSla(pack: PolicyPack, events: readonly SlaInputEvent[], now: Date): SlaState {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new SlaInputError('now is not a valid date');
  return new SlaRun(pack).run(events, nowMs);
}

export interface DeadlineExplanation {
  metric: Metric;
  rule: string;
  packId: string;
  packVersion: string;
  targetMinutes: number;
  clock: 'business' | 'calendar';
  calendar: string | null;
  timeZone: string;
  start: string;
  deadline: string;
  warnAt: string[];
  source: string | null;
  text: string;
}

/**
 * Which rule times `metric` for a ticket with these attributes, and the deadline it gives from
 * `start` with the clock running throughout. Null when the pack sets no target for it.
 */
export function explainDeadline(
  pack: PolicyPack,
  ticket: TicketAttributes,
  metric: Metric,
  start: Date,
): DeadlineExplanation | null {
  const cp = compilePack(pack);
  const rule = cp.resolve(metric, ticket);
  if (!rule) return null;
  const s = start.getTime();
  const at = (ms: number) => (rule.clock === 'calendar' ? s + ms : rule.calendar.add(s, ms));
  const deadline = iso(at(rule.targetMs));
  return {
    metric,
    rule: rule.id,
    packId: pack.id,
    packVersion: cp.version,
    targetMinutes: rule.minutes,
    clock: rule.clock,
    calendar: rule.calendarName,
    timeZone: rule.calendar.timeZone,
    start: iso(s),
    deadline,
    warnAt: rule.points.filter((p) => p.kind === 'warn').map((p) => iso(at(p.atMs))),
    source: rule.source ?? null,
    text: `${pack.id}@${cp.version} rule ${rule.id}: ${clockText(rule)} from ${iso(s)} → ${deadline}`,
  };
}

/** The deadline instant for one metric from `start` (the hot path measured by the benchmark). */
export function computeDeadline(
  pack: PolicyPack,
  ticket: TicketAttributes,
  metric: Metric,
  start: Date,
): Date | null {
  const rule = compilePack(pack).resolve(metric, ticket);
  if (!rule) return null;
  const s = start.getTime();
  return new Date(rule.clock === 'calendar' ? s + rule.targetMs : rule.calendar.add(s, rule.targetMs));
}
