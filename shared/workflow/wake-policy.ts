import { outboundForSlaActions } from '../notices/outbound.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Ticket } from '../tickets/model.ts';
import type { NoticesForSweep, StoredTicket } from '../tickets/ports.ts';
import { slaActionRecord } from './first-notices.ts';
import { plannedActionOf, slaStateOf } from './policy-planner.ts';
import type { WorkflowSignals } from './signals.ts';
import type { PlannedAction } from './sla-planner.ts';
import { LOOP_EXIT } from './sleep-step.ts';

/** Whether a ticket change must wake the ticket's workflow now, and why (for logs and tests). */
export interface WakeDecision {
  wake: boolean;
  why: string;
  /** Without a wake: ids of the SLA notices the change makes due, which it queues for the outbound sweep. */
  forSweep?: string[];
}

/**
 * Whether a notice the change makes due may wait for the outbound sweep (within about two minutes)
 * instead of waking the workflow to send it at once: a notice to the customer after the fact (the
 * satisfaction survey or closure summary on solving). Staff notices (alerts, warnings, breaches,
 * update reminders) and anything that is not a plain notice go at once.
 */
export function mayWaitForSweep(action: Pick<PlannedAction, 'kind' | 'notice'>): boolean {
  return action.kind === 'notify' && action.notice?.audience === 'customer';
}

/**
 * Whether a change must wake the sleeping SLA workflow now. A sleeping workflow wakes at its planned
 * checkpoint anyway and re-plans from the table, so a change need not wake it unless waiting would
 * make it act late: the ticket closes, the change queues mail (the Apply step sends it), an SLA
 * action is due at once (except notices that may wait for the outbound sweep, `forSweep`: the change
 * queues those itself), or the next checkpoint moves earlier than the one it sleeps towards. A
 * change that moves the checkpoint later, or leaves it, wakes nobody: the workflow wakes early, finds
 * nothing due, and plans the later one. A change the KPI roll-ups count (a response, a resolution)
 * is no reason either: the change's own commit writes the ticket's share. When the workflow is not
 * asleep on a known plan (starting, planning, a change already waiting for it), the change wakes it
 * as before. Pure: `now` is the
 * change's instant; `before` is the ticket as read for the change (its workflow's plan).
 */
export function wakeForChange(input: WakeInput): WakeDecision {
  return decideWake(input).decision;
}

interface WakeInput {
  before: StoredTicket;
  after: { ticket: Ticket; activity: readonly TicketActivity[] };
  now: Date;
  queuesMail: boolean;
}

/** The decision, and without a wake the notices left to the sweep as planned (for the commit's records). */
function decideWake(input: WakeInput): { decision: WakeDecision; forSweep?: PlannedAction[] } {
  const { before, after, now } = input;
  if (after.ticket.status === 'closed') return woken('the ticket is closed: its clocks stop now');
  if (input.queuesMail) return woken('the change queues mail, which the workflow sends');
  const parked = before.workflow;
  if (!parked?.taskToken || !parked.sleepingUntil || before.workflowDueSince)
    return woken('the workflow is not asleep on a plan of the current ticket');
  // The workflow wakes at its planned checkpoint, or earlier at the end of its longest sleep (7 days).
  const sleepsUntil = Date.parse(parked.sleepingUntil);
  const checkpoint = before.sla?.nextCheckpoint ? Date.parse(before.sla.nextCheckpoint) : sleepsUntil;
  const planned = Math.min(checkpoint, sleepsUntil);
  if (!(planned > now.getTime())) return woken('the planned checkpoint is here');
  const state = slaStateOf(after.ticket, after.activity, now);
  if (!state) return woken('no policy pack times this desk');
  const applied = new Set((before.sla?.actions ?? []).map((a) => a.id));
  const due = state.actions.filter((a) => !applied.has(a.id));
  // The change's commit records and queues the notices that may wait; it appends to the workflow's
  // record of applied actions, so only a ticket the workflow has recorded on can take them.
  const urgent = due.find((a) => !mayWaitForSweep(a) || !before.sla);
  if (urgent) return woken(`an SLA action is due now (${urgent.id})`);
  if (state.nextCheckpoint !== null && Date.parse(state.nextCheckpoint) < planned)
    return woken(`the next checkpoint moves earlier, to ${state.nextCheckpoint}`);
  const decision: WakeDecision = {
    wake: false,
    why: `the workflow wakes at ${new Date(planned).toISOString()}, no later than the next checkpoint (${state.nextCheckpoint ?? 'none'})${due.length ? `; the outbound sweep sends ${due.map((a) => a.id).join(', ')}` : ''}`,
  };
  if (!due.length) return { decision };
  return {
    decision: { ...decision, forSweep: due.map((a) => a.id) },
    forSweep: due.map((a) => plannedActionOf(a, state.log)),
  };
}

const woken = (why: string): { decision: WakeDecision } => ({ decision: { wake: true, why } });

/**
 * The commit options for a change: quiet (no workflow-due marker, no wake) while the workflow sleeps on
 * the task token its plan was judged by; the store commits it marked if that token is gone by then. A
 * quiet change also carries the notices it makes due that may wait: recorded as applied (same ids and
 * records the Apply step would write, so it neither queues them again nor finds them due) and queued
 * pending, the ticket listed for the outbound sweep. A marked commit leaves them to the woken workflow.
 */
export function quietChange(
  before: StoredTicket,
  after: { ticket: Ticket; activity: readonly TicketActivity[] },
  now: Date,
  queuesMail: boolean,
): { quietWhileParkedOn?: string; noticesForSweep?: NoticesForSweep } {
  const token = before.workflow?.taskToken;
  if (!token) return {};
  const { decision, forSweep } = decideWake({ before, after, now, queuesMail });
  if (decision.wake) return {};
  if (!forSweep) return { quietWhileParkedOn: token };
  // Planned as the Apply step plans them, so the records and entries are the ones it would write.
  const actions = forSweep.map((a) => slaActionRecord(a, now));
  return {
    quietWhileParkedOn: token,
    noticesForSweep: {
      actions,
      outbound: outboundForSlaActions(actions, now),
      // A ticket already listed keeps its place in the sweep's order.
      listedSince: before.mailPendingSince ?? now.toISOString(),
    },
  };
}

/**
 * Signals the sleeping workflow about a committed change it must see: a closing ends its loop through
 * one last Apply step (Workflow.Closed); any other change wakes it to re-plan. Same outcomes as wake.
 */
export async function signalChange(
  signals: WorkflowSignals,
  ticket: Pick<Ticket, 'status'>,
  taskToken: string,
  wokenBy: string,
): Promise<'signalled' | 'stale'> {
  const outcome =
    ticket.status === 'closed'
      ? await signals.end(taskToken, { error: LOOP_EXIT.closed, cause: wokenBy })
      : await signals.wake(taskToken, { wokenBy });
  return outcome === 'stale' ? 'stale' : 'signalled';
}
