import { ASYNC_FUNCTIONS, type AsyncFunctionEntry, type StateMachineId } from './async-functions.ts';

/**
 * The state machines in state-machines/ and the recurring schedules, declared once. infra/ loads each
 * definition with `definitionSubstitutions` (placeholders filled with the ARNs of the functions whose
 * trigger names them) and turns each schedule into an EventBridge rule; the local stack runs the same
 * definitions on its Step Functions engine and the same schedules on the virtual clock.
 */
export interface StateMachineEntry {
  readonly id: StateMachineId;
  /** The definition file, relative to the repository root. */
  readonly definitionFile: string;
}

export const STATE_MACHINES: readonly StateMachineEntry[] = [
  // One execution per ticket (name = ticket id): SLA timers that wake on change. See docs/workflow.md.
  { id: 'ticket-sla', definitionFile: 'state-machines/ticket-sla.asl.json' },
  // The daily retention purge: plan, then bounded batches. See docs/compliance.md.
  { id: 'retention-purge', definitionFile: 'state-machines/retention-purge.asl.json' },
];

/** When a schedule fires: every N minutes, or once a day at a UTC time. */
export type Cadence =
  | { readonly everyMinutes: number }
  | { readonly dailyAtUtc: { hour: number; minute: number } };

export interface ScheduleEntry {
  /** Also the job's name in the local stack (`npm run job <id>`, `POST /_local/jobs/<id>`). */
  readonly id: string;
  readonly description: string;
  readonly cadence: Cadence;
  /** A function of ./async-functions.ts (by id), or a state machine execution. */
  readonly target: { readonly function: string } | { readonly stateMachine: StateMachineId };
}

export const SCHEDULES: readonly ScheduleEntry[] = [
  {
    id: 'reconcile-workflows',
    description: 'Runs the SLA workflow reconciler every minute.',
    cadence: { everyMinutes: 1 },
    target: { function: 'ReconcileWorkflows' },
  },
  {
    id: 'sweep-outbound-mail',
    description: 'Runs the outbound mail sweep every minute.',
    cadence: { everyMinutes: 1 },
    target: { function: 'SweepOutboundMail' },
  },
  {
    id: 'retention-purge',
    // Quiet hours for every desk's zone but Acentus's UTC night.
    description: 'Starts the daily retention purge (03:00 UTC).',
    cadence: { dailyAtUtc: { hour: 3, minute: 0 } },
    target: { stateMachine: 'retention-purge' },
  },
  {
    id: 'compliance-sweep',
    description: 'Runs the compliance deadline sweep every 15 minutes.',
    cadence: { everyMinutes: 15 },
    target: { function: 'SweepComplianceDeadlines' },
  },
  {
    id: 'sweep-incident-reviews',
    description: 'Records post-incident reviews that are overdue or late, every 15 minutes.',
    cadence: { everyMinutes: 15 },
    target: { function: 'SweepIncidentReviews' },
  },
  {
    id: 'compute-sla-credits',
    // Daily rather than monthly: the first run after a month closes computes it, so a missed run is
    // made up the next day; later runs find the month's report and write nothing.
    description: "Computes the last closed month's availability and SLA credits once (daily, 00:30 UTC).",
    cadence: { dailyAtUtc: { hour: 0, minute: 30 } },
    target: { function: 'ComputeSlaCredits' },
  },
];

export function schedule(id: string): ScheduleEntry {
  const entry = SCHEDULES.find((s) => s.id === id);
  if (!entry) throw new Error(`The app manifest declares no schedule ${id}`);
  return entry;
}

/** Milliseconds between two runs of a cadence. */
export const cadencePeriodMs = (cadence: Cadence) =>
  'everyMinutes' in cadence ? cadence.everyMinutes * 60_000 : 24 * 3_600_000;

/** The first instant strictly after `now` at which the cadence fires (minute grids start at the epoch). */
export function nextRun(cadence: Cadence, now: Date): Date {
  const period = cadencePeriodMs(cadence);
  const offset =
    'everyMinutes' in cadence ? 0 : (cadence.dailyAtUtc.hour * 60 + cadence.dailyAtUtc.minute) * 60_000;
  const t = now.getTime() - offset;
  return new Date((Math.floor(t / period) + 1) * period + offset);
}

/** A state machine's definition placeholders and the function (by id) whose ARN fills each. */
export function stateMachineSubstitutions(
  id: StateMachineId,
  functions: readonly AsyncFunctionEntry[] = ASYNC_FUNCTIONS,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const f of functions) {
    if (f.trigger.kind === 'state-machine-task' && f.trigger.stateMachine === id)
      result[f.trigger.placeholder] = f.id;
  }
  return result;
}

export function stateMachine(id: StateMachineId): StateMachineEntry {
  const entry = STATE_MACHINES.find((m) => m.id === id);
  if (!entry) throw new Error(`The app manifest declares no state machine ${id}`);
  return entry;
}
