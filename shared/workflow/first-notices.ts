import { type OutboundMail, outboundForSlaActions } from '../notices/outbound.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Ticket } from '../tickets/model.ts';
import type { Clock } from '../time/clock.ts';
import { executionNameFor, type SlaActionRecord } from './model.ts';
import { policyPackPlanner } from './policy-planner.ts';
import {
  DEFAULT_FIRST_RESPONSE_MINUTES,
  fixedFirstResponsePlanner,
  type PlannedAction,
  type SlaPlanner,
} from './sla-planner.ts';

/**
 * The workflow's planner: each desk timed by its policy pack (fixed targets for a desk without one).
 * Pure, so a bundle that imports this module without planning drops the engine and the packs.
 */
export const ticketSlaPlanner: SlaPlanner = /* @__PURE__ */ policyPackPlanner(
  /* @__PURE__ */ fixedFirstResponsePlanner(DEFAULT_FIRST_RESPONSE_MINUTES),
);

/** The record of a planned action the workflow applies at `now` (on the ticket under `sla.actions`). */
export function slaActionRecord(action: PlannedAction, now: Date): SlaActionRecord {
  return {
    id: action.id,
    kind: action.kind,
    at: action.at,
    appliedAt: now.toISOString(),
    rule: action.rule,
    summary: action.summary,
    ...(action.metric ? { metric: action.metric } : {}),
    ...(action.toTier ? { toTier: action.toTier } : {}),
    ...(action.notice ? { notice: action.notice } : {}),
  };
}

/**
 * How long (real time) the create holds the notices it queues for the workflow's first Apply step: the
 * send lease every sender takes (SEND_LEASE_MS of shared/notices/deliver.ts, checked by a unit test).
 */
export const FIRST_STEP_LEASE_MS = 60_000;
/** The first step sends them only with this much of the lease left: its function's longest run. */
export const FIRST_STEP_LEASE_LEFT_MS = 30_000;

/**
 * The notices a new ticket owes at once (the pack's acknowledgement, a priority's staff alerts), queued
 * by the create already claimed for the first Apply step of the ticket's execution until `leaseUntil`:
 * that step sends them without a write of its own (its SLA action records ride on the park's write). The
 * entries are what that step would queue itself (same ids, so it queues none twice); if it cannot send
 * them, the lease runs out and they are sent as any pending mail is.
 */
export function noticesClaimedForFirstStep(
  planner: SlaPlanner,
  ticket: Ticket,
  activity: TicketActivity[],
  now: Date,
  leaseUntil: string,
): OutboundMail[] {
  const due = planner(ticket, activity, now).actions.filter(
    (a) => a.notice && Date.parse(a.at) <= now.getTime(),
  );
  return outboundForSlaActions(
    due.map((a) => slaActionRecord(a, now)),
    now,
  ).map((m) => ({ ...m, claimedUntil: leaseUntil, claimedFor: executionNameFor(ticket.id) }));
}

/** The create's `firstNotices`: planned at the ticket's creation; the real clock measures the lease. */
export function firstNoticesFor(leaseClock: Clock) {
  return (ticket: Ticket, activity: TicketActivity[]): OutboundMail[] =>
    noticesClaimedForFirstStep(
      ticketSlaPlanner,
      ticket,
      activity,
      new Date(ticket.createdAt),
      new Date(leaseClock.now().getTime() + FIRST_STEP_LEASE_MS).toISOString(),
    );
}

/** Which attempt of which step of an execution is running. */
export interface StepAttempt {
  executionName: string;
  cycle: number;
  /** `$$.State.RetryCount`; undefined from a definition that does not pass it. */
  attempt: number | undefined;
}

/**
 * The entries the create claimed for this step: only the first attempt of the execution's first step
 * uses that claim (a retry may follow a send that crashed before its outcome was written, so it leaves
 * them to the lease), and only with enough of the lease left to finish the send within it.
 */
export function entriesClaimedFor(
  step: StepAttempt,
  outbox: readonly OutboundMail[],
  leaseNow: Date,
): Array<{ index: number; entry: OutboundMail }> {
  if (step.cycle !== 1 || step.attempt !== 0) return [];
  return outbox.flatMap((entry, index) =>
    entry.status === 'pending' &&
    entry.claimedFor === step.executionName &&
    entry.claimedUntil !== undefined &&
    Date.parse(entry.claimedUntil) - leaseNow.getTime() >= FIRST_STEP_LEASE_LEFT_MS
      ? [{ index, entry }]
      : [],
  );
}
