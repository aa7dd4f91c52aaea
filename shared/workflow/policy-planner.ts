import { findPolicyPack } from '../policy/packs.ts';
import {
  computeSla,
  type SlaAction,
  type SlaInputEvent,
  type SlaLogEntry,
  type SlaState,
} from '../sla/engine.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Ticket } from '../tickets/model.ts';
import { SLA_WORKFLOW_ACTOR } from './model.ts';
import type { PlannedAction, SlaPlanner } from './sla-planner.ts';

/** The ticket's activity as the SLA engine's input (the engine ignores who made a change, except that a tier change the workflow made names its action). */
export function slaEventsOf(activity: readonly TicketActivity[]): SlaInputEvent[] {
  const events: SlaInputEvent[] = [];
  for (const a of activity) {
    switch (a.type) {
      case 'ticket-created':
        events.push({
          at: a.at,
          type: a.type,
          priority: a.priority,
          plan: a.plan,
          channel: a.channel,
          status: a.status,
        });
        break;
      case 'customer-message':
        events.push({ at: a.at, type: a.type });
        break;
      case 'agent-reply':
        events.push({ at: a.at, type: a.type, visibility: a.visibility });
        break;
      case 'status-changed':
      case 'priority-changed':
      case 'plan-changed':
        events.push({ at: a.at, type: a.type, to: a.to } as SlaInputEvent);
        break;
      case 'tier-changed': {
        // Changes recorded by the workflow before they named their action are still the workflow's.
        const actionId = a.actionId ?? (a.by === SLA_WORKFLOW_ACTOR ? 'not recorded' : undefined);
        events.push({ at: a.at, type: a.type, to: a.to, ...(actionId ? { actionId } : {}) });
        break;
      }
      case 'assignee-changed':
        events.push({ at: a.at, type: 'assigned', to: a.to, onCall: a.onCall === true });
        break;
    }
  }
  return events;
}

/** The SLA state of a ticket at `now` under its desk's policy pack; undefined if the desk has no pack. */
export function slaStateOf(
  ticket: Ticket,
  activity: readonly TicketActivity[],
  now: Date,
): SlaState | undefined {
  const pack = findPolicyPack(ticket.desk);
  return pack ? computeSla(pack, slaEventsOf(activity), now) : undefined;
}

const LOG_TYPE: Record<SlaAction['kind'], SlaLogEntry['type']> = {
  warn: 'warned',
  breach: 'breached',
  escalate: 'escalated',
  notify: 'notice-due',
  'periodic-update': 'notice-due',
};

/** A sentence for the execution history: the engine's own log line for the action when it has one. */
function summaryOf(action: SlaAction, log: SlaLogEntry[]): string {
  const line = log.find(
    (entry) =>
      entry.at === action.at &&
      entry.type === LOG_TYPE[action.kind] &&
      entry.metric === action.metric &&
      entry.rule === action.rule,
  );
  if (line) return line.detail;
  const notice = action.notice ? `: ${action.notice.template} to ${action.notice.audience}` : '';
  return `${action.kind}${action.metric ? ` ${action.metric}` : ''}${notice}`;
}

/** An engine action as the workflow plans it, with its sentence for the execution history. */
export function plannedActionOf(action: SlaAction, log: SlaLogEntry[]): PlannedAction {
  return {
    id: action.id,
    kind: action.kind,
    at: action.at,
    rule: action.rule,
    summary: summaryOf(action, log),
    ...(action.metric ? { metric: action.metric } : {}),
    ...(action.toTier ? { toTier: action.toTier } : {}),
    ...(action.notice ? { notice: action.notice } : {}),
  };
}

/**
 * The workflow's planner backed by the policy packs: every desk is timed by its own pack. A desk
 * without a pack falls back to `fallback` (kept for desks added before their pack is written).
 */
export function policyPackPlanner(fallback: SlaPlanner): SlaPlanner {
  return (ticket, activity, now) => {
    const state = slaStateOf(ticket, activity, now);
    if (!state) return fallback(ticket, activity, now);
    const actions = state.actions.map((action) => plannedActionOf(action, state.log));
    return {
      packVersion: `${state.packId}@${state.packVersion}`,
      actions,
      nextCheckpoint: state.nextCheckpoint,
    };
  };
}
