import type { SlaNotice } from '../sla/engine.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Priority, Ticket } from '../tickets/model.ts';

/**
 * The workflow's port to the SLA engine: `nextCheckpoint(ticket, now)` in the words.
 * Given a ticket and its activity, it lists every action due by `now` (with stable ids, so the
 * workflow applies each once) and the next instant at which something will become due.
 */
export interface PlannedAction {
  id: string;
  kind: 'warn' | 'breach' | 'escalate' | 'notify' | 'periodic-update';
  at: string;
  metric?: string;
  toTier?: number;
  /** A notice to send (template, audience); delivered by the notices issue, recorded now. */
  notice?: SlaNotice;
  rule: string;
  summary: string;
}

export interface SlaPlan {
  packVersion: string;
  actions: PlannedAction[];
  nextCheckpoint: string | null;
}

export type SlaPlanner = (ticket: Ticket, activity: TicketActivity[], now: Date) => SlaPlan;

/**
 * A stand-in planner until the policy-pack engine is wired: a first-response target per priority
 * in calendar minutes, a warning at 75 %, a breach at 100 % that escalates one tier. A public
 * agent reply fulfils it; an internal note does not.
 */
export function fixedFirstResponsePlanner(targetMinutes: Record<Priority, number>): SlaPlanner {
  return (ticket, activity, now) => {
    const base = {
      packVersion: 'fixed-targets-1',
      actions: [] as PlannedAction[],
      nextCheckpoint: null as string | null,
    };
    if (ticket.status === 'closed') return base;
    const answered = activity.some((a) => a.type === 'agent-reply' && a.visibility === 'public');
    if (answered) return base;
    const created = Date.parse(ticket.createdAt);
    const target = targetMinutes[ticket.priority];
    const deadline = created + target * 60_000;
    const warnAt = created + target * 0.75 * 60_000;
    const rule = `first-response ${ticket.priority} ${target} min`;
    const candidates: PlannedAction[] = [
      {
        id: 'warn:first-response:0.75',
        kind: 'warn',
        at: iso(warnAt),
        metric: 'first-response',
        rule,
        summary: `75 % of the ${target}-minute first-response target used`,
      },
      {
        id: 'breach:first-response',
        kind: 'breach',
        at: iso(deadline),
        metric: 'first-response',
        rule,
        summary: `First-response target of ${target} minutes missed`,
      },
      {
        id: 'escalate:first-response:1x',
        kind: 'escalate',
        at: iso(deadline),
        metric: 'first-response',
        toTier: Math.min(4, ticket.tier + 1),
        rule,
        summary: 'Escalated one tier at 1× the first-response target',
      },
    ];
    const t = now.getTime();
    return {
      ...base,
      actions: candidates.filter((c) => Date.parse(c.at) <= t),
      nextCheckpoint:
        candidates
          .map((c) => Date.parse(c.at))
          .filter((at) => at > t)
          .map(iso)[0] ?? null,
    };
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Stand-in targets (minutes) by priority, used until the policy packs time tickets. */
export const DEFAULT_FIRST_RESPONSE_MINUTES: Record<Priority, number> = {
  urgent: 60,
  high: 240,
  normal: 480,
  low: 1440,
};
