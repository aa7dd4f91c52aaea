/**
 * A policy pack prepared for the SLA engine: calendars compiled, target rules indexed by
 * (metric, priority, plan, channel), warning and escalation points attached to each rule.
 * Compiled once per pack object (WeakMap) so a Lambda reuses it across invocations.
 */
import type { Audience, ClockKind, Metric, Notice, PolicyPack, TargetRule } from '../policy/schema.ts';
import { packVersion } from '../policy/vocabulary.ts';
import type { Channel, Priority, Status } from '../tickets/model.ts';
import { ALWAYS_OPEN, type BusinessCalendar, compileCalendar, MINUTE_MS } from './calendar.ts';

export interface TicketAttributes {
  priority: Priority;
  plan: string;
  channel: Channel;
}

/** A point on a metric's clock at which something happens (warning, breach, escalation). */
export interface ClockPoint {
  kind: 'warn' | 'breach' | 'escalate';
  /** Key unique within a cycle; part of the action id. */
  key: string;
  /** Elapsed clock time (ms) at which the point is reached. */
  atMs: number;
  /** Warning: fraction of the target (undefined for minute-based warnings). */
  fraction?: number;
  label: string;
  trigger?: CompiledTrigger;
}

export interface CompiledRule {
  id: string;
  metric: Metric;
  minutes: number;
  targetMs: number;
  clock: ClockKind;
  /** Calendar the clock runs on (the 24/7 UTC calendar for the calendar clock). */
  calendar: BusinessCalendar;
  calendarName: string | null;
  points: ClockPoint[];
  source: string | undefined;
  /** Assignment metric: who must be assigned to meet it. */
  assignee: 'staff' | 'on-call';
}

export interface CompiledTrigger {
  id: string;
  toTier: number | 'next';
  notify: Audience[];
  template: string;
  fraction?: number;
  metric?: Metric;
  afterMs?: number;
  calendar?: BusinessCalendar;
  priority?: readonly Priority[];
  plan?: readonly string[];
  channel?: readonly Channel[];
  source: string | undefined;
  /** Why, in the policy's words (quoted in escalation notices). */
  reason: string | undefined;
}

export interface CompiledPack {
  pack: PolicyPack;
  version: string;
  calendars: ReadonlyMap<string, BusinessCalendar>;
  maxTier: number;
  /** Fraction triggers never raise a ticket above the tier its age (the elapsed triggers) allows. */
  capByAge: boolean;
  pausedMetrics: ReadonlyMap<Status, ReadonlySet<Metric>>;
  periodicStartsAfter: 'ticket-created' | 'first-response';
  /** Escalation triggers measured from ticket creation. */
  elapsedTriggers: CompiledTrigger[];
  /** Notices with when = elapsed, with their compiled delay. */
  elapsedNotices: Array<{ notice: Notice; afterMs: number; calendar: BusinessCalendar }>;
  noticesByEvent: ReadonlyMap<Notice['when'], Notice[]>;
  resolve(metric: Metric, t: TicketAttributes): CompiledRule | null;
}

export function selectorMatches(
  sel: {
    priority?: readonly Priority[] | undefined;
    plan?: readonly string[] | undefined;
    channel?: readonly Channel[] | undefined;
  },
  t: TicketAttributes,
): boolean {
  return (
    (!sel.priority || sel.priority.includes(t.priority)) &&
    (!sel.plan || sel.plan.includes(t.plan)) &&
    (!sel.channel || sel.channel.includes(t.channel))
  );
}

/** Specificity of a target rule: priority 4 + plan 2 + channel 1 (higher wins). */
export function ruleSpecificity(rule: Pick<TargetRule, 'priority' | 'plan' | 'channel'>): number {
  return (rule.priority ? 4 : 0) + (rule.plan ? 2 : 0) + (rule.channel ? 1 : 0);
}

export function ruleName(rule: TargetRule): string {
  if (rule.id) return rule.id;
  const sel = [
    rule.priority && `priority=${rule.priority}`,
    rule.plan && `plan=${rule.plan}`,
    rule.channel && `channel=${rule.channel}`,
  ].filter(Boolean);
  return `${rule.metric}[${sel.join(',') || '*'}]`;
}

const cache = new WeakMap<PolicyPack, CompiledPack>();

export function compilePack(pack: PolicyPack): CompiledPack {
  const hit = cache.get(pack);
  if (hit) return hit;
  const calendars = new Map<string, BusinessCalendar>();
  for (const [name, def] of Object.entries(pack.calendars)) {
    calendars.set(name, compileCalendar(def, pack.timeZone, name));
  }
  const calendarNamed = (name: string): BusinessCalendar => {
    const cal = calendars.get(name);
    if (!cal) throw new Error(`pack ${pack.id}: unknown calendar "${name}"`);
    return cal;
  };
  const planCalendar = new Map(pack.plans.map((p) => [p.id, p.calendar ?? pack.defaultCalendar]));
  const planChannelCalendar = new Map(pack.plans.map((p) => [p.id, p.channelCalendars ?? {}]));
  /** A business clock runs on the rule's calendar, else the plan's for the channel, else the plan's, else the default. */
  const businessCalendarName = (rule: TargetRule, t: TicketAttributes): string =>
    rule.calendar ??
    planChannelCalendar.get(t.plan)?.[t.channel] ??
    planCalendar.get(t.plan) ??
    pack.defaultCalendar;

  const triggers: CompiledTrigger[] = pack.escalation.triggers.map((t) => {
    const base: CompiledTrigger = {
      id: t.id,
      toTier: t.toTier,
      notify: t.notify,
      template: t.template ?? 'escalation',
      source: t.source,
      reason: t.reason,
    };
    if (t.priority) base.priority = t.priority;
    if (t.plan) base.plan = t.plan;
    if (t.channel) base.channel = t.channel;
    if ('atFractionOfTarget' in t.when) {
      base.fraction = t.when.atFractionOfTarget;
      if (t.when.metric) base.metric = t.when.metric;
    } else {
      base.afterMs = t.when.afterMinutes * MINUTE_MS;
      base.calendar =
        t.when.clock === 'calendar' ? ALWAYS_OPEN : calendarNamed(t.when.calendar ?? pack.defaultCalendar);
    }
    return base;
  });
  const fractionTriggers = triggers.filter((t) => t.fraction !== undefined);

  const byMetric = new Map<Metric, TargetRule[]>();
  for (const rule of pack.targets) {
    const list = byMetric.get(rule.metric) ?? [];
    list.push(rule);
    byMetric.set(rule.metric, list);
  }
  const resolved = new Map<string, CompiledRule | null>();

  const compileRule = (rule: TargetRule, t: TicketAttributes): CompiledRule => {
    const targetMs = rule.minutes * MINUTE_MS;
    const calendarName = rule.clock === 'calendar' ? null : businessCalendarName(rule, t);
    const points: ClockPoint[] = [];
    for (const f of pack.warnings.thresholds) {
      points.push({
        kind: 'warn',
        key: `warn:${f}`,
        atMs: Math.round(targetMs * f),
        fraction: f,
        label: String(f),
      });
    }
    for (const m of rule.warnAtMinutes ?? []) {
      points.push({ kind: 'warn', key: `warn:${m}m`, atMs: m * MINUTE_MS, label: `${m}m` });
    }
    points.push({ kind: 'breach', key: 'breach', atMs: targetMs, label: '1' });
    for (const tr of fractionTriggers) {
      if (tr.metric && tr.metric !== rule.metric) continue;
      if (!selectorMatches(tr, t)) continue;
      points.push({
        kind: 'escalate',
        key: `escalate:${tr.id}`,
        atMs: Math.round(targetMs * tr.fraction!),
        label: String(tr.fraction),
        trigger: tr,
      });
    }
    const order = { warn: 0, breach: 1, escalate: 2 } as const;
    points.sort((a, b) => a.atMs - b.atMs || order[a.kind] - order[b.kind]);
    return {
      id: ruleName(rule),
      metric: rule.metric,
      minutes: rule.minutes,
      targetMs,
      clock: rule.clock,
      calendar: calendarName === null ? ALWAYS_OPEN : calendarNamed(calendarName),
      calendarName,
      points,
      source: rule.source,
      assignee: rule.assignee ?? 'staff',
    };
  };

  const resolve = (metric: Metric, t: TicketAttributes): CompiledRule | null => {
    const key = `${metric}|${t.priority}|${t.plan}|${t.channel}`;
    const cached = resolved.get(key);
    if (cached !== undefined) return cached;
    let best: TargetRule | undefined;
    let bestScore = -1;
    for (const rule of byMetric.get(metric) ?? []) {
      if (rule.priority && rule.priority !== t.priority) continue;
      if (rule.plan && rule.plan !== t.plan) continue;
      if (rule.channel && rule.channel !== t.channel) continue;
      const score = ruleSpecificity(rule);
      if (score > bestScore) {
        best = rule;
        bestScore = score;
      }
    }
    const out = best ? compileRule(best, t) : null;
    resolved.set(key, out);
    return out;
  };

  const pausedMetrics = new Map<Status, Set<Metric>>();
  for (const rule of pack.pause) {
    for (const s of rule.statuses) {
      const set = pausedMetrics.get(s) ?? new Set<Metric>();
      for (const m of rule.metrics) set.add(m);
      pausedMetrics.set(s, set);
    }
  }
  const noticesByEvent = new Map<Notice['when'], Notice[]>();
  for (const n of pack.notices) {
    const list = noticesByEvent.get(n.when) ?? [];
    list.push(n);
    noticesByEvent.set(n.when, list);
  }
  const elapsedNotices = pack.notices
    .filter((n) => n.when === 'elapsed' && n.after)
    .map((n) => ({
      notice: n,
      afterMs: n.after!.afterMinutes * MINUTE_MS,
      calendar:
        n.after!.clock === 'calendar'
          ? ALWAYS_OPEN
          : calendarNamed(n.after!.calendar ?? pack.defaultCalendar),
    }));

  const compiled: CompiledPack = {
    pack,
    version: packVersion(pack),
    calendars,
    maxTier: Math.max(...pack.escalation.levels.map((l) => l.tier)),
    capByAge: pack.escalation.capByAge,
    pausedMetrics,
    periodicStartsAfter: pack.periodicUpdates.startAfter,
    elapsedTriggers: triggers.filter((t) => t.afterMs !== undefined),
    elapsedNotices,
    noticesByEvent,
    resolve,
  };
  cache.set(pack, compiled);
  return compiled;
}
