import type { CheckSlaResult } from './check-ticket-sla.ts';

/**
 * The contract between the two states of the SLA loop (state-machines/ticket-sla.asl.json): the Apply
 * step's result goes whole to the sleeping step as `plan`, which parks on it or ends the loop. The
 * definition reads `$.sleepSeconds` (the callback timeout) on every result, so every result has one.
 */
export type SleepPlan = CheckSlaResult & { sleepSeconds: number };

/**
 * The errors a sleeping task is failed with to leave the loop without a Choice state; the definition
 * catches each by name and never retries them (they would match States.TaskFailed). `closed`: sent by
 * the change that closes the ticket, caught by one last Apply step that ends the execution (one
 * transition). `stop` and `handOver`: sent by the sleeping step itself on its Apply step's plan.
 */
export const LOOP_EXIT = {
  closed: 'Workflow.Closed',
  stop: 'Workflow.Stop',
  handOver: 'Workflow.HandOver',
} as const;

/**
 * A stopping or handing-over step ends its task at once; this timeout only matters if that call is
 * lost, and then the loop simply runs the Apply step again, which decides the same.
 */
export const EXIT_TIMEOUT_SECONDS = 60;

/** The Apply step's result as the sleeping step takes it. */
export function toSleepPlan(result: CheckSlaResult): SleepPlan {
  return result.next === 'sleep' ? result : { ...result, sleepSeconds: EXIT_TIMEOUT_SECONDS };
}
