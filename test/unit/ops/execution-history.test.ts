import { describe, expect, it } from 'vitest';
import { consoleUrlOf, executionSteps, formatDuration } from '#shared/ops/execution-history.ts';

const T0 = Date.parse('2031-06-02T13:00:00Z');
let id = 0;
const ev = (seconds: number, type: string, details: Record<string, unknown> = {}) => ({
  id: ++id,
  type,
  timestamp: new Date(T0 + seconds * 1000),
  ...details,
});
const APPLY = 'Apply due SLA actions and plan the next checkpoint';
const CHOICE = 'Sleep, hand over or stop?';
const SLEEP = 'Sleep until the next SLA checkpoint or a ticket change';
const entered = (s: number, kind: string, name: string, input = '{}') =>
  ev(s, `${kind}StateEntered`, { stateEnteredEventDetails: { name, input } });
const exited = (s: number, kind: string, name: string, output = '{}') =>
  ev(s, `${kind}StateExited`, { stateExitedEventDetails: { name, output } });
const applyOutput = (applied: string[], wakeAt: string) =>
  JSON.stringify({ ticketId: 'T1', applied, next: 'sleep', wakeAt, sleepSeconds: 60 });

/** A history as GetExecutionHistory returns it: a failed attempt retried, a breach, a timeout, a wake. */
const history = [
  ev(0, 'ExecutionStarted', {
    executionStartedEventDetails: { input: '{"ticketId":"T1","desk":"techflow"}' },
  }),
  entered(0, 'Task', APPLY),
  ev(0, 'LambdaFunctionScheduled'),
  ev(0, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: 'Error', cause: 'throttled' } }),
  ev(2, 'LambdaFunctionScheduled'),
  ev(3, 'LambdaFunctionSucceeded', {
    lambdaFunctionSucceededEventDetails: { output: applyOutput([], '2031-06-02T13:11:15Z') },
  }),
  exited(3, 'Task', APPLY, '{"next":"sleep"}'),
  entered(3, 'Choice', CHOICE),
  exited(3, 'Choice', CHOICE),
  entered(3, 'Task', SLEEP),
  ev(3, 'TaskScheduled'),
  ev(675, 'TaskTimedOut', { taskTimedOutEventDetails: { error: 'States.Timeout' } }),
  entered(675, 'Task', APPLY),
  ev(675, 'LambdaFunctionSucceeded', {
    lambdaFunctionSucceededEventDetails: {
      output: applyOutput(
        ['first-response #1: target 15 calendar min missed (due 13:15)'],
        '2031-06-02T15:00:00Z',
      ),
    },
  }),
  exited(676, 'Task', APPLY),
  entered(676, 'Choice', CHOICE),
  exited(676, 'Choice', CHOICE),
  entered(676, 'Task', SLEEP),
  ev(900, 'TaskSucceeded', { taskSucceededEventDetails: { output: '{"wokenBy":"agent-reply"}' } }),
  exited(900, 'Task', SLEEP),
  entered(900, 'Task', APPLY),
  ev(901, 'LambdaFunctionSucceeded', {
    lambdaFunctionSucceededEventDetails: {
      output: JSON.stringify({ applied: [], next: 'stop', reason: 'The ticket is closed.' }),
    },
  }),
  exited(901, 'Task', APPLY),
  entered(901, 'Choice', CHOICE),
  exited(901, 'Choice', CHOICE),
  entered(901, 'Succeed', 'Stop: the ticket is closed'),
  exited(901, 'Succeed', 'Stop: the ticket is closed'),
  ev(901, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: '{}' } }),
];

describe('execution history as readable steps', () => {
  const steps = executionSteps(history);

  it('one step per state entered, with start and end', () => {
    expect(steps.map((s) => s.name)).toEqual([
      'Execution started',
      APPLY,
      CHOICE,
      SLEEP,
      APPLY,
      CHOICE,
      SLEEP,
      APPLY,
      CHOICE,
      'Stop: the ticket is closed',
      'Execution succeeded',
    ]);
    expect(steps[0]!.summary).toEqual(['Started for ticket T1.']);
    expect(steps.at(-1)!.summary).toEqual(['Ran for 15 min 1 s in all.']);
  });

  it('says what each Apply step applied and when it looks again', () => {
    expect(steps[1]!.summary).toEqual([
      'Nothing was due: no SLA action applied.',
      'Plans to look again at 2031-06-02T13:11:15Z.',
      'Retried after 1 failed attempt(s).',
    ]);
    expect(steps[1]!.attempts).toEqual([
      { at: '2031-06-02T13:00:00.000Z', error: 'Error', cause: 'throttled' },
    ]);
    expect(steps[1]!.outcome).toBe('succeeded');
    expect(steps[4]!.summary[0]).toBe(
      'Applied: first-response #1: target 15 calendar min missed (due 13:15)',
    );
    expect(steps[7]!.summary).toEqual([
      'Nothing was due: no SLA action applied.',
      'Stops: The ticket is closed.',
    ]);
  });

  it('tells a checkpoint timeout from a wake by a change, and which way the choice went', () => {
    expect(steps[3]).toMatchObject({ outcome: 'timed-out', durationMs: 672_000 });
    expect(steps[3]!.summary).toEqual(['Slept until the SLA checkpoint (the task timed out on purpose).']);
    expect(steps[6]!.summary).toEqual(['Woken by a ticket change: agent-reply.']);
    expect(steps[2]!.summary).toEqual([`Chose: ${SLEEP}.`]);
    expect(steps[8]!.summary).toEqual(['Chose: Stop: the ticket is closed.']);
  });

  it('measures time between steps', () => {
    expect(steps[4]!.sincePreviousMs).toBe(672_000);
    expect(steps[3]!.sincePreviousMs).toBe(0);
    expect(steps[0]!.sincePreviousMs).toBeNull();
  });

  it('includes raw input and output only on demand', () => {
    expect(steps.some((s) => 'input' in s || 'output' in s)).toBe(false);
    const withData = executionSteps(history, true);
    expect(withData[1]!.output).toBe('{"next":"sleep"}');
    expect(withData[0]!.input).toBe('{"ticketId":"T1","desk":"techflow"}');
  });

  it('reports a step still running', () => {
    const running = executionSteps(history.slice(0, 11));
    expect(running.at(-1)).toMatchObject({
      name: SLEEP,
      outcome: 'running',
      exitedAt: null,
      durationMs: null,
    });
  });
});

describe('AWS console link', () => {
  it('links real executions and not the local stack’s', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:tierdesk-ticket-sla:01J';
    expect(consoleUrlOf(arn)).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${encodeURIComponent(arn)}`,
    );
    expect(
      consoleUrlOf('arn:aws:states:us-east-1:000000000000:execution:tierdesk-ticket-sla:01J'),
    ).toBeNull();
    expect(consoleUrlOf('not an arn')).toBeNull();
  });
  it('formats durations for people', () => {
    expect([formatDuration(40_000), formatDuration(125 * 60_000), formatDuration(75 * 3_600_000)]).toEqual([
      '40 s',
      '2 h 5 min',
      '3 d 3 h',
    ]);
  });
});

describe('the SLA loop’s exits (SendTaskFailure caught by name) in a readable history', () => {
  const LAST = 'Apply the last SLA actions: the ticket is closed';
  it('a closing that ends the sleeping task reads as the loop’s exit, not as a failure', () => {
    const steps = executionSteps([
      entered(0, 'Task', SLEEP),
      ev(600, 'TaskFailed', {
        taskFailedEventDetails: { error: 'Workflow.Closed', cause: 'status-changed to closed' },
      }),
      entered(600, 'Task', LAST),
      exited(601, 'Task', LAST),
      ev(601, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: '{}' } }),
    ]);
    expect(steps.map((s) => s.name)).toEqual([SLEEP, LAST, 'Execution succeeded']);
    expect(steps[0]).toMatchObject({
      outcome: 'succeeded',
      summary: ['Left the loop (Workflow.Closed): status-changed to closed'],
      attempts: [],
    });
  });

  it('any other task failure stays a failed attempt', () => {
    const steps = executionSteps([
      entered(0, 'Task', SLEEP),
      ev(1, 'TaskFailed', { taskFailedEventDetails: { error: 'Lambda.ServiceException', cause: 'x' } }),
    ]);
    expect(steps[0]!.outcome).toBe('failed');
  });
});
