import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '#local/stepfunctions/engine.ts';
import { VirtualTimers } from '#local/timers.ts';
import { VirtualClock } from '#local/virtual-clock.ts';

/**
 * The local engine's sleeps when the virtual clock jumps while a workflow is working: the task
 * that plans a sleep reads the clock, then the clock moves before the sleep is armed (in the product:
 * a priority raise wakes the workflow, and the clock is moved while it is still planning).
 */
const PLAN = 'arn:aws:lambda:us-east-1:000000000000:function:plan';
const PARK = 'arn:aws:lambda:us-east-1:000000000000:function:park';

const tokenWait = (onTimeout: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: PARK, Payload: { 'taskToken.$': '$$.Task.Token' } },
  TimeoutSecondsPath: '$.sleepSeconds',
  Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 2, MaxAttempts: 3 }],
  Catch: [{ ErrorEquals: ['States.Timeout'], Next: onTimeout }],
  Next: 'Done',
});

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Plan (reads the clock, then waits for `release`) → Sleep → Done. */
async function engineWith(sleepState: Record<string, unknown>, parkFailures = 0) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-engine-'));
  const clock = new VirtualClock();
  const timers = new VirtualTimers(clock);
  let release!: () => void;
  const planned = new Promise<void>((resolve) => {
    release = resolve;
  });
  let readClock!: () => void;
  const clockRead = new Promise<void>((resolve) => {
    readClock = resolve;
  });
  const calls = { plan: 0, park: 0 };
  const engine = await LocalStepFunctions.create({
    dataDir,
    clock,
    timers,
    lambdas: [
      {
        arn: PLAN,
        // Reads the clock, then takes a while to write (the window in which the clock moves).
        invoke: async () => {
          calls.plan++;
          const now = clock.now().getTime();
          readClock();
          await planned;
          return { sleepSeconds: 600, wakeAt: new Date(now + 600_000).toISOString() };
        },
      },
      {
        arn: PARK,
        invoke: async () => {
          if (calls.park++ < parkFailures) throw new Error('park failed');
          return { parked: true };
        },
      },
    ],
    stateMachines: [
      {
        name: 'sleeper',
        definition: JSON.stringify({
          StartAt: 'Plan',
          States: {
            Plan: { Type: 'Task', Resource: PLAN, TimeoutSeconds: 60, Next: 'Sleep' },
            Sleep: sleepState,
            Done: { Type: 'Succeed' },
          },
        }),
        substitutions: {},
      },
    ],
  });
  cleanups.push(() => {
    engine.shutdown();
    timers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const arn = engine.listStateMachines()[0]!.stateMachineArn;
  return { engine, clock, arn, release, clockRead, calls };
}

describe('local engine sleeps across a clock jump made while the workflow works', () => {
  for (const [kind, sleepState] of [
    ['a task-token wait with TimeoutSecondsPath', tokenWait('Done')],
    ['a Wait state with SecondsPath', { Type: 'Wait', SecondsPath: '$.sleepSeconds', Next: 'Done' }],
    ['a Wait state with TimestampPath', { Type: 'Wait', TimestampPath: '$.wakeAt', Next: 'Done' }],
  ] as const) {
    it(`${kind}: the sleep ends during the move that crossed its end, with no further move`, async () => {
      const { engine, clock, arn, release, clockRead } = await engineWith(sleepState);
      const started = engine.startExecution(arn, 'ticket-1', '{}');
      await clockRead;
      // The clock jumps an hour, past the planned 10-minute sleep, before the sleep is armed.
      clock.advance(3600_000);
      release();
      await engine.whenIdle();
      expect(engine.describeExecution(started.executionArn).status).toBe('SUCCEEDED');
    });
  }

  it('a retry interval that a move crossed ends at its own instant: the sleep after it counts from there', async () => {
    const { engine, clock, arn, release } = await engineWith(tokenWait('Done'), 1);
    const started = engine.startExecution(arn, 'ticket-2', '{}');
    release();
    await engine.whenIdle();
    // Planned a 10-minute sleep; parking failed and waits 2 s to retry; then one move of an hour.
    expect(engine.describeExecution(started.executionArn).status).toBe('RUNNING');
    clock.advance(3600_000);
    await engine.whenIdle();
    expect(engine.describeExecution(started.executionArn).status).toBe('SUCCEEDED');
  });

  it('a workflow that plans again after the jump plans from the clock it reads, once', async () => {
    const { engine, clock, arn, release, clockRead, calls } = await engineWith(tokenWait('Plan'));
    const started = engine.startExecution(arn, 'ticket-3', '{}');
    await clockRead;
    clock.advance(3600_000);
    release();
    await engine.whenIdle();
    // The first sleep ended during the move; the second plan read the moved clock and sleeps 10 minutes.
    expect(calls.plan).toBe(2);
    expect(engine.describeExecution(started.executionArn).status).toBe('RUNNING');
    clock.advance(599_000);
    await engine.whenIdle();
    expect(calls.plan).toBe(2);
    clock.advance(2_000);
    await engine.whenIdle();
    expect(calls.plan).toBe(3);
  });

  it('without a jump, the sleep lasts what was planned and not less', async () => {
    const { engine, clock, arn, release } = await engineWith({
      Type: 'Wait',
      SecondsPath: '$.sleepSeconds',
      Next: 'Done',
    });
    const started = engine.startExecution(arn, 'ticket-4', '{}');
    release();
    await engine.whenIdle();
    clock.advance(599_000);
    await engine.whenIdle();
    expect(engine.describeExecution(started.executionArn).status).toBe('RUNNING');
    clock.advance(2_000);
    await engine.whenIdle();
    expect(engine.describeExecution(started.executionArn).status).toBe('SUCCEEDED');
  });

  it('a Wait in a loop sleeps what this round planned, not the last round', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-engine-'));
    const clock = new VirtualClock();
    const timers = new VirtualTimers(clock);
    const plans = [3600, 60, 60];
    let calls = 0;
    const engine = await LocalStepFunctions.create({
      dataDir,
      clock,
      timers,
      lambdas: [{ arn: PLAN, invoke: async () => ({ sleepSeconds: plans[calls++] ?? 60, closed: false }) }],
      stateMachines: [
        {
          name: 'looper',
          definition: JSON.stringify({
            StartAt: 'Plan',
            States: {
              Plan: { Type: 'Task', Resource: PLAN, TimeoutSeconds: 60, Next: 'Closed?' },
              'Closed?': {
                Type: 'Choice',
                Choices: [{ Variable: '$.closed', BooleanEquals: true, Next: 'Done' }],
                Default: 'Sleep',
              },
              Sleep: { Type: 'Wait', SecondsPath: '$.sleepSeconds', Next: 'Plan' },
              Done: { Type: 'Succeed' },
            },
          }),
          substitutions: {},
        },
      ],
    });
    cleanups.push(() => {
      engine.shutdown();
      timers.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    engine.startExecution(engine.listStateMachines()[0]!.stateMachineArn, 'loop', '{}');
    await engine.whenIdle();
    clock.advance(3601_000);
    await engine.whenIdle();
    expect(calls).toBe(2);
    clock.advance(61_000);
    await engine.whenIdle();
    expect(calls).toBe(3);
  });
});
