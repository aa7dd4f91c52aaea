import { describe, expect, it } from 'vitest';
import { executionSteps } from '#shared/ops/execution-history.ts';
import { LOOP_EXIT } from '#shared/workflow/sleep-step.ts';

const T0 = Date.parse('2031-06-02T13:00:00Z');
let id = 0;
const ev = (seconds: number, type: string, details: Record<string, unknown> = {}) => ({
  id: ++id,
  type,
  timestamp: new Date(T0 + seconds * 1000),
  ...details,
});
const SLEEP = 'Sleep until the next SLA checkpoint or a ticket change';
const LAST = 'Apply the last SLA actions: the ticket is closed';
const entered = (s: number, name: string) =>
  ev(s, 'TaskStateEntered', { stateEnteredEventDetails: { name, input: '{}' } });

describe('the SLA loop’s exits in a readable history', () => {
  it('a closing that ends the sleeping task reads as the loop’s exit, not as a failure', () => {
    const steps = executionSteps([
      ev(0, 'ExecutionStarted', { executionStartedEventDetails: { input: '{"ticketId":"T1"}' } }),
      entered(0, SLEEP),
      ev(0, 'TaskScheduled'),
      ev(600, 'TaskFailed', {
        taskFailedEventDetails: { error: LOOP_EXIT.closed, cause: 'status-changed to closed' },
      }),
      entered(600, LAST),
      ev(601, 'LambdaFunctionSucceeded', {
        lambdaFunctionSucceededEventDetails: {
          output: JSON.stringify({ applied: [], next: 'stop', reason: 'The ticket is closed.' }),
        },
      }),
      ev(601, 'TaskStateExited', { stateExitedEventDetails: { name: LAST, output: '{}' } }),
      ev(601, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: '{}' } }),
    ]);
    const sleep = steps.find((s) => s.name === SLEEP)!;
    expect(sleep.outcome).toBe('succeeded');
    expect(sleep.summary).toEqual(['Left the loop (Workflow.Closed): status-changed to closed']);
    expect(sleep.attempts).toEqual([]);
    expect(steps.map((s) => s.name)).toEqual(['Execution started', SLEEP, LAST, 'Execution succeeded']);
  });

  it('any other task failure stays a failed attempt', () => {
    const steps = executionSteps([
      entered(0, SLEEP),
      ev(1, 'TaskFailed', { taskFailedEventDetails: { error: 'Lambda.ServiceException', cause: 'x' } }),
    ]);
    expect(steps[0]!.outcome).toBe('failed');
  });
});
