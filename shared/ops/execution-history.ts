/**
 * A Step Functions execution history (GetExecutionHistory events, AWS or the local engine: same
 * shape) turned into steps a person can read: which state ran, when it was entered and left, how
 * long it took and how long since the previous step, what it applied or what woke it, and, on
 * demand, its raw input and output. Pure.
 */

/** The fields of a history event this module reads (the SDK's HistoryEvent fits). */
export interface HistoryEventLike {
  id?: number | undefined;
  type?: string | undefined;
  timestamp?: Date | undefined;
}

export type StepOutcome = 'succeeded' | 'failed' | 'timed-out' | 'running' | 'aborted';

export interface ExecutionStep {
  /** 1-based position in the execution. */
  n: number;
  /** The state's name (names read as sentences), or "Execution started" / "Execution succeeded"... */
  name: string;
  /** Task, Choice, Succeed, Fail, Pass, Wait, Map, Parallel, or Execution for start and end. */
  kind: string;
  enteredAt: string;
  exitedAt: string | null;
  /** Time spent in the step (a sleep is a step too); null while it runs. */
  durationMs: number | null;
  /** Time since the previous step was entered. */
  sincePreviousMs: number | null;
  outcome: StepOutcome;
  /** Readable sentences: what the step applied, which way a choice went, what woke a sleep. */
  summary: string[];
  /** Failed attempts before the outcome (retried by the state's Retry policy). */
  attempts: Array<{ at: string; error: string; cause: string }>;
  /** Raw JSON strings, present only when the history was read with its data. */
  input?: string;
  output?: string;
}

const END_NAMES: Record<string, string> = {
  ExecutionSucceeded: 'Execution succeeded',
  ExecutionFailed: 'Execution failed',
  ExecutionAborted: 'Execution stopped',
  ExecutionTimedOut: 'Execution timed out',
};
const ENTERED = /^(\w+)StateEntered$/;
const EXITED = /^(\w+)StateExited$/;

const detailsOf = (e: HistoryEventLike, key: string) =>
  ((e as Record<string, unknown>)[key] as Record<string, unknown> | undefined) ?? undefined;

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : '');

/** "2 h 5 min", "40 s", "3 d 4 h": how the page and the summaries state a duration. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const d = Math.floor(h / 24);
  return `${d} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/** Sentences for the Apply step's result (shared/workflow/check-ticket-sla.ts CheckSlaResult). */
function describeApplyResult(result: unknown): string[] {
  if (!result || typeof result !== 'object') return [];
  const r = result as {
    applied?: unknown;
    next?: unknown;
    wakeAt?: unknown;
    reason?: unknown;
    nextExecutionName?: unknown;
  };
  if (!Array.isArray(r.applied) || typeof r.next !== 'string') return [];
  const lines = r.applied.length
    ? r.applied.map((a) => `Applied: ${String(a)}`)
    : ['Nothing was due: no SLA action applied.'];
  if (r.next === 'sleep' && typeof r.wakeAt === 'string') lines.push(`Plans to look again at ${r.wakeAt}.`);
  else if (r.next === 'continue-as-new')
    lines.push(`Hands over to execution ${String(r.nextExecutionName)}.`);
  else if (r.next === 'stop') lines.push(`Stops: ${String(r.reason ?? 'done')}`);
  return lines;
}

/** What woke a sleeping task: a ticket change (TaskSucceeded output) or its timeout. */
function describeWake(output: unknown): string[] {
  const o = output as { wokenBy?: unknown } | undefined;
  if (o && typeof o.wokenBy === 'string') return [`Woken by a ticket change: ${o.wokenBy}.`];
  return [];
}

interface OpenStep {
  step: ExecutionStep;
  enteredMs: number;
}

/**
 * Groups a history into steps. Events between a `…StateEntered` and the next one belong to that
 * step (Step Functions Standard runs these workflows one state at a time).
 */
const isLoopExit = (d: Record<string, unknown> | undefined) =>
  ['Workflow.Closed', 'Workflow.Stop', 'Workflow.HandOver'].includes(String(d?.error));

export function executionSteps(events: readonly HistoryEventLike[], withData = false): ExecutionStep[] {
  const steps: ExecutionStep[] = [];
  let current: OpenStep | undefined;
  let previousEnteredMs: number | null = null;
  let startedMs: number | null = null;

  const push = (name: string, kind: string, e: HistoryEventLike, outcome: StepOutcome): OpenStep => {
    const ms = e.timestamp?.getTime() ?? 0;
    const step: ExecutionStep = {
      n: steps.length + 1,
      name,
      kind,
      enteredAt: iso(e.timestamp),
      exitedAt: null,
      durationMs: null,
      sincePreviousMs: previousEnteredMs === null ? null : ms - previousEnteredMs,
      outcome,
      summary: [],
      attempts: [],
    };
    previousEnteredMs = ms;
    steps.push(step);
    return { step, enteredMs: ms };
  };
  const close = (open: OpenStep | undefined, e: HistoryEventLike) => {
    if (!open || open.step.exitedAt !== null) return;
    open.step.exitedAt = iso(e.timestamp);
    open.step.durationMs = (e.timestamp?.getTime() ?? open.enteredMs) - open.enteredMs;
  };

  for (const e of events) {
    const type = e.type ?? '';
    const entered = ENTERED.exec(type);
    const exited = EXITED.exec(type);
    if (type === 'ExecutionStarted') {
      const d = detailsOf(e, 'executionStartedEventDetails');
      const input = parseJson(d?.input) as { ticketId?: string; generation?: number } | undefined;
      const open = push('Execution started', 'Execution', e, 'succeeded');
      close(open, e);
      startedMs = open.enteredMs;
      if (input?.ticketId) {
        open.step.summary.push(
          `Started for ticket ${input.ticketId}${input.generation && input.generation > 1 ? ` (generation ${input.generation}, handed over)` : ''}.`,
        );
      }
      if (withData && typeof d?.input === 'string') open.step.input = d.input;
      current = undefined;
    } else if (entered) {
      if (current) {
        // A step left through a Catch has no StateExited: the next state's entry ends it.
        close(current, e);
        if (current.step.outcome === 'running') current.step.outcome = 'succeeded';
      }
      const name = String(detailsOf(e, 'stateEnteredEventDetails')?.name ?? '(unnamed state)');
      // A choice's branch is the next state entered.
      const last = steps.at(-1);
      if (last && last.kind === 'Choice') last.summary.push(`Chose: ${name}.`);
      current = push(name, entered[1]!, e, 'running');
      const input = detailsOf(e, 'stateEnteredEventDetails')?.input;
      if (withData && typeof input === 'string') current.step.input = input;
    } else if (exited) {
      if (!current) continue;
      close(current, e);
      if (current.step.outcome === 'running') current.step.outcome = 'succeeded';
      const output = detailsOf(e, 'stateExitedEventDetails')?.output;
      if (withData && typeof output === 'string') current.step.output = output;
    } else if (type === 'LambdaFunctionSucceeded' && current) {
      const output = detailsOf(e, 'lambdaFunctionSucceededEventDetails')?.output;
      current.step.summary.push(...describeApplyResult(parseJson(output)));
    } else if (type === 'TaskFailed' && current && isLoopExit(detailsOf(e, 'taskFailedEventDetails'))) {
      // The SLA loop's exits are failures by design (shared/workflow/sleep-step.ts): say which, not "failed".
      const d = detailsOf(e, 'taskFailedEventDetails');
      current.step.summary.push(`Left the loop (${String(d?.error)}): ${String(d?.cause ?? '')}`);
      current.step.outcome = 'succeeded';
      close(current, e);
    } else if ((type === 'LambdaFunctionFailed' || type === 'TaskFailed') && current) {
      const d = detailsOf(
        e,
        type === 'TaskFailed' ? 'taskFailedEventDetails' : 'lambdaFunctionFailedEventDetails',
      );
      current.step.attempts.push({
        at: iso(e.timestamp),
        error: String(d?.error ?? 'Error'),
        cause: String(d?.cause ?? ''),
      });
      current.step.outcome = 'failed';
    } else if (type === 'LambdaFunctionTimedOut' && current) {
      current.step.attempts.push({
        at: iso(e.timestamp),
        error: 'States.Timeout',
        cause: 'Lambda timed out',
      });
      current.step.outcome = 'failed';
    } else if (type === 'TaskSucceeded' && current) {
      const output = detailsOf(e, 'taskSucceededEventDetails')?.output;
      current.step.summary.push(...describeWake(parseJson(output)));
      current.step.outcome = 'succeeded';
    } else if (type === 'TaskTimedOut' && current) {
      current.step.summary.push('Slept until the SLA checkpoint (the task timed out on purpose).');
      current.step.outcome = 'timed-out';
      // A caught timeout leaves the state without a StateExited event; the timeout ends the step.
      close(current, e);
    } else if (type in END_NAMES) {
      if (current) {
        close(current, e);
        if (current.step.outcome === 'running') current.step.outcome = 'succeeded';
      }
      const outcome: StepOutcome =
        type === 'ExecutionSucceeded' ? 'succeeded' : type === 'ExecutionAborted' ? 'aborted' : 'failed';
      const open = push(END_NAMES[type] ?? type, 'Execution', e, outcome);
      close(open, e);
      const d =
        detailsOf(e, 'executionFailedEventDetails') ??
        detailsOf(e, 'executionAbortedEventDetails') ??
        detailsOf(e, 'executionTimedOutEventDetails');
      if (d?.error) open.step.summary.push(`${String(d.error)}: ${String(d.cause ?? '')}`.trim());
      if (startedMs !== null) {
        open.step.summary.push(`Ran for ${formatDuration(open.enteredMs - startedMs)} in all.`);
      }
      const output = detailsOf(e, 'executionSucceededEventDetails')?.output;
      if (withData && typeof output === 'string') open.step.output = output;
      current = undefined;
    }
  }
  // Retries: a failed attempt followed by a success is a retried step, not a failed one.
  for (const step of steps) {
    if (step.outcome === 'failed' && step.exitedAt !== null && step.attempts.length > 0) {
      step.summary.push(`Retried after ${step.attempts.length} failed attempt(s).`);
      step.outcome = 'succeeded';
    }
  }
  return steps;
}

/**
 * The AWS console page of an execution, when the ARN is a real one (a 12-digit account that is not
 * the local stack's all-zeros placeholder); null otherwise.
 */
export function consoleUrlOf(executionArn: string): string | null {
  const m = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):execution:/.exec(executionArn);
  if (!m) return null;
  const [, partition, region, account] = m;
  if (account === '000000000000') return null;
  const host =
    partition === 'aws-cn'
      ? 'console.amazonaws.cn'
      : partition === 'aws-us-gov'
        ? 'console.amazonaws-us-gov.com'
        : 'console.aws.amazon.com';
  return `https://${region}.${host}/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}`;
}
