import type { SlaNotice } from '../sla/engine.ts';

/** Who the ticket's activity names for changes the SLA workflow makes. */
export const SLA_WORKFLOW_ACTOR = 'sla-workflow';
/**
 * What the SLA workflow keeps on the ticket item, beside the public ticket fields.
 */

/** One SLA action the workflow has applied (a warning, a breach, an escalation, a notice due). */
export interface SlaActionRecord {
  /** Stable id from the planner, e.g. `breach:first-response:1`: an action is applied once per ticket. */
  id: string;
  kind: 'warn' | 'breach' | 'escalate' | 'notify' | 'periodic-update';
  /** When the rule says it happened (the deadline or threshold instant). */
  at: string;
  /** When the workflow applied it (later than `at` if the workflow was asleep or the clock jumped). */
  appliedAt: string;
  metric?: string;
  toTier?: number;
  notice?: SlaNotice;
  rule: string;
  summary: string;
}

export interface TicketSlaState {
  actions: SlaActionRecord[];
  nextCheckpoint: string | null;
  packVersion: string;
}

/** Where the ticket's workflow is; written by the workflow tasks, read by the API to wake it. */
export interface WorkflowState {
  executionName?: string;
  /** When the current execution first ran its Apply step (for the hand-over before the 1-year limit). */
  executionStartedAt?: string;
  /** Task token of the sleeping step, valid while `parkedVersion` is the ticket's version. */
  taskToken?: string;
  parkedVersion?: number;
  sleepingUntil?: string;
  /** The KPI change the last park wrote the share of (a retried park recognises its own write by it). */
  kpiChangeToken?: string;
}

/** The execution name of a ticket's first workflow; continuations append `-g<n>`. */
export function executionNameFor(ticketId: string, generation = 1): string {
  return generation <= 1 ? ticketId : `${ticketId}-g${generation}`;
}

/** The ticket id inside an execution name (the inverse of executionNameFor). */
export function ticketIdOfExecution(name: string): string {
  return name.split('-')[0] ?? name;
}
