/**
 * The local engine at volume: 100,000 history events (ENGINE_EVENTS) through the local Step Functions
 * engine with its real persistence (append-only histories and record journal) and virtual timers.
 * Executions of a small looping machine (Lambda task → Choice → Wait 60 s → Lambda task, ~20 events
 * each, about a ticket's workflow; ENGINE_ROUNDS for longer ones) run 100 at a time; the clock moves
 * a minute at a time to wake them, and finished ones are replaced, so executions pile up as they do
 * over a long run. After a 20,000-event warm-up, throughput is measured per window of 10,000 events;
 * flatness = last window ÷ first window (1.0 = flat; a cost that grows with the number of executions
 * or events shows as < 1). The function is trivial on purpose: this
 * measures the engine, not the handlers. Writes bench/results/engine-volume.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStepFunctions } from '../local/stepfunctions/engine.ts';
import { VirtualTimers } from '../local/timers.ts';
import { VirtualClock } from '../local/virtual-clock.ts';

process.env.LOG_LEVEL ??= 'ERROR';
const TOTAL_EVENTS = Number(process.env.ENGINE_EVENTS ?? 100_000);
const WINDOW = 10_000;
const CONCURRENT = 100;
const ROUNDS = Number(process.env.ENGINE_ROUNDS ?? 1);
/** Not measured: the first events pay for loading and JIT compilation, not for volume. */
const WARM_UP_EVENTS = 20_000;
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:bench-step';

const definition = {
  StartAt: 'Work',
  States: {
    Work: { Type: 'Task', Resource: FUNCTION_ARN, Next: 'More?' },
    'More?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.left', NumericGreaterThan: 0, Next: 'Sleep' }],
      Default: 'Done',
    },
    Sleep: { Type: 'Wait', Seconds: 60, Next: 'Work' },
    Done: { Type: 'Succeed' },
  },
};

const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-bench-engine-'));
const clock = new VirtualClock();
const timers = new VirtualTimers(clock);
const engine = await LocalStepFunctions.create({
  dataDir,
  clock,
  timers,
  lambdas: [{ arn: FUNCTION_ARN, invoke: async (event) => ({ left: (event as { left: number }).left - 1 }) }],
  stateMachines: [{ name: 'bench-loop', definition: JSON.stringify(definition), substitutions: {} }],
});
const machineArn = engine.listStateMachines()[0]!.stateMachineArn;

let started = 0;
let running: string[] = [];
const windows: Array<{ window: number; events: number; seconds: number; eventsPerSecond: number }> = [];
let windowStart = 0;

let windowEvents = WARM_UP_EVENTS;
let measuredFrom = 0;
while (windows.length < TOTAL_EVENTS / WINDOW) {
  running = running.filter((arn) => engine.describeExecution(arn).status === 'RUNNING');
  while (running.length < CONCURRENT)
    running.push(
      engine.startExecution(machineArn, `run-${started++}`, JSON.stringify({ left: ROUNDS })).executionArn,
    );
  await engine.whenIdle();
  clock.advance(60_000);
  await engine.whenIdle();
  if (!windowStart && engine.eventsRecorded >= WARM_UP_EVENTS) {
    windowStart = performance.now();
    windowEvents = engine.eventsRecorded;
    measuredFrom = windowEvents;
  }
  while (windowStart && engine.eventsRecorded - windowEvents >= WINDOW) {
    // A window closes when the count crosses its boundary; its time is shared by events in the same step.
    const now = performance.now();
    windowEvents += WINDOW;
    const seconds = (now - windowStart) / 1000;
    windows.push({
      window: windows.length + 1,
      events: windowEvents - measuredFrom,
      seconds: Math.round(seconds * 100) / 100,
      eventsPerSecond: Math.round(WINDOW / seconds),
    });
    windowStart = now;
  }
}
engine.shutdown();
timers.stop();
rmSync(dataDir, { recursive: true, force: true });

const first = windows[0]!.eventsPerSecond;
const last = windows.at(-1)!.eventsPerSecond;
const flatness = Math.round((last / first) * 100) / 100;
console.table(windows);
console.log(
  `${engine.eventsRecorded} events (${measuredFrom} of warm-up), ${started} executions; flatness (last window ÷ first) ${flatness} (goal: flat, ≈ 1)`,
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/engine-volume.json', import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'engine-volume',
      measuredAt: new Date().toISOString(),
      node: process.version,
      totalEvents: engine.eventsRecorded,
      warmUpEvents: measuredFrom,
      roundsPerExecution: ROUNDS,
      executions: started,
      concurrent: CONCURRENT,
      windowEvents: WINDOW,
      windows,
      flatness,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
