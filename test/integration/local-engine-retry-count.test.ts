import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalStepFunctions } from '#local/stepfunctions/engine.ts';
import { VirtualTimers } from '#local/timers.ts';
import { VirtualClock } from '#local/virtual-clock.ts';

/** `$$.State.RetryCount` as AWS resolves it: 0 on a state's first attempt, n on its n-th retry. */
const FLAKY = 'arn:aws:lambda:us-east-1:000000000000:function:flaky';
const STEADY = 'arn:aws:lambda:us-east-1:000000000000:function:steady';

it('the local engine passes each attempt its own $$.State.RetryCount', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-engine-'));
  const clock = new VirtualClock();
  const timers = new VirtualTimers(clock);
  const seen: Array<[string, unknown]> = [];
  const engine = await LocalStepFunctions.create({
    dataDir,
    clock,
    timers,
    lambdas: [
      {
        arn: FLAKY,
        invoke: async (input) => {
          const { attempt } = input as { attempt: unknown };
          seen.push(['flaky', attempt]);
          if (seen.length < 3) throw new Error('not yet');
          return {};
        },
      },
      {
        arn: STEADY,
        invoke: async (input) => {
          seen.push(['steady', (input as { attempt: unknown }).attempt]);
          return {};
        },
      },
    ],
    stateMachines: [
      {
        name: 'retrier',
        definition: JSON.stringify({
          StartAt: 'Flaky',
          States: {
            Flaky: {
              Type: 'Task',
              Resource: FLAKY,
              Parameters: { 'attempt.$': '$$.State.RetryCount' },
              Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 3 }],
              Next: 'Steady',
            },
            Steady: {
              Type: 'Task',
              Resource: STEADY,
              Parameters: { 'attempt.$': '$$.State.RetryCount' },
              End: true,
            },
          },
        }),
        substitutions: {},
      },
    ],
  });
  try {
    const started = engine.startExecution(engine.listStateMachines()[0]!.stateMachineArn, 'r1', '{}');
    for (let i = 0; i < 3; i++) {
      await engine.whenIdle();
      clock.advance(10_000);
    }
    await engine.whenIdle();
    expect(engine.describeExecution(started.executionArn).status).toBe('SUCCEEDED');
    expect(seen).toEqual([
      ['flaky', 0],
      ['flaky', 1],
      ['flaky', 2],
      ['steady', 0],
    ]);
  } finally {
    engine.shutdown();
    timers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
