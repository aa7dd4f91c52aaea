/**
 * Timer lateness on the local engine. Lateness is measured two ways: on the virtual clock (the
 * instant a timer fired minus its due instant; in a clock move everything crossed fires at the
 * move's end instant, so that figure is the jump itself) and in real milliseconds after the move
 * began (how soon the move delivered it). Modes:
 *  - real time: 1,000 VirtualTimers spread over 2 s, time passing naturally;
 *  - clock jumps: 1,000 timers over 3 days, 73 one-hour jumps;
 *  - armed during a move: 10,000 timers whose firing arms a follow-up due inside the same move
 *    (what a woken workflow does); every follow-up must fire in that move, in deadline order;
 *  - workflows: executions on the local Step Functions engine looping plan → Wait → plan, with
 *    hourly moves made while they are planning; each sleep must end in the move that crosses it.
 * Writes bench/results/timer-lateness.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStepFunctions } from '../local/stepfunctions/engine.ts';
import { VirtualTimers } from '../local/timers.ts';
import { VirtualClock } from '../local/virtual-clock.ts';

interface Row {
  mode: string;
  timers: number;
  early: number;
  /** Fired after the move that crossed them (must be 0). */
  missedTheirMove: number;
  /** null where not measured (workflows: each wake is seen when its next step runs). */
  deadlineOrder: boolean | null;
  virtualP50ms: number;
  virtualP99ms: number;
  virtualMaxMs: number;
  realP50ms: number;
  realP99ms: number;
  realMaxMs: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: Math.round(percentile(sorted, 50)),
    p99: Math.round(percentile(sorted, 99)),
    max: Math.round(sorted.at(-1) ?? 0),
  };
};
const row = (
  mode: string,
  fired: Array<{ due: number; at: number; realMs: number; missed: boolean }>,
  deadlineOrder: boolean | null,
): Row => {
  const virtual = stats(fired.map((f) => f.at - f.due));
  const real = stats(fired.map((f) => f.realMs));
  return {
    mode,
    timers: fired.length,
    early: fired.filter((f) => f.at < f.due).length,
    missedTheirMove: fired.filter((f) => f.missed).length,
    deadlineOrder,
    virtualP50ms: virtual.p50,
    virtualP99ms: virtual.p99,
    virtualMaxMs: virtual.max,
    realP50ms: real.p50,
    realP99ms: real.p99,
    realMaxMs: real.max,
  };
};
const inOrder = (dues: number[]) => dues.every((d, i) => i === 0 || d >= dues[i - 1]!);

/** VirtualTimers alone: time passing naturally, or hourly jumps. */
async function plainTimers(mode: 'real time' | 'clock jumps'): Promise<Row> {
  const N = 1000;
  const clock = new VirtualClock();
  const timers = new VirtualTimers(clock);
  const spreadMs = mode === 'real time' ? 2_000 : 3 * 24 * 3600_000;
  const start = clock.now().getTime();
  const realStart = performance.now();
  let moveBegan = realStart;
  let moveTarget = Number.POSITIVE_INFINITY;
  const fired: Array<{ due: number; at: number; realMs: number; missed: boolean }> = [];
  const done = new Promise<void>((resolve) => {
    for (let i = 0; i < N; i++) {
      const due = start + 50 + Math.floor(Math.random() * spreadMs);
      timers.at(new Date(due), () => {
        const at = clock.now().getTime();
        const realMs =
          mode === 'real time'
            ? performance.now() - realStart - (due - start)
            : performance.now() - moveBegan;
        fired.push({ due, at, realMs, missed: mode === 'clock jumps' && due < moveTarget - 3600_000 });
        if (fired.length === N) resolve();
      });
    }
  });
  if (mode === 'clock jumps') {
    for (let h = 0; h < 73; h++) {
      moveBegan = performance.now();
      moveTarget = clock.now().getTime() + 3600_000;
      clock.advance(3600_000);
      await new Promise((r) => setImmediate(r));
    }
  }
  await done;
  timers.stop();
  return row(mode, fired, inOrder(fired.map((f) => f.due)));
}

/** Each of N timers, when it fires, arms a follow-up due later but still inside the same move. */
function armedDuringAMove(): Row {
  const N = 10_000;
  const clock = new VirtualClock();
  const timers = new VirtualTimers(clock);
  const start = clock.now().getTime();
  const moveMs = 6 * 3600_000;
  const fired: Array<{ due: number; at: number; realMs: number; missed: boolean }> = [];
  const order: number[] = [];
  let moveBegan = 0;
  let inMove = false;
  for (let i = 0; i < N; i++) {
    const due = start + 1000 + Math.floor(Math.random() * (moveMs / 2));
    timers.at(new Date(due), () => {
      order.push(due);
      const followUp = due + Math.floor(Math.random() * (moveMs / 2 - 2000));
      timers.at(new Date(followUp), () => {
        order.push(followUp);
        fired.push({
          due: followUp,
          at: clock.now().getTime(),
          realMs: performance.now() - moveBegan,
          missed: !inMove,
        });
      });
    });
  }
  moveBegan = performance.now();
  inMove = true;
  clock.advance(moveMs);
  inMove = false;
  timers.stop();
  return row(`armed during a move (${N.toLocaleString('en')} follow-ups)`, fired, inOrder(order));
}

/** Executions on the local engine: plan (reads the clock, does some async work) → Wait → plan … */
async function workflows(): Promise<Row> {
  const EXECUTIONS = 100;
  const MOVES = 12;
  const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-bench-timers-'));
  const clock = new VirtualClock();
  const timers = new VirtualTimers(clock);
  const PLAN = 'arn:aws:lambda:us-east-1:000000000000:function:plan';
  let moveIndex = 0;
  let moveBegan = performance.now();
  const moveTargets: number[] = [];
  const planned = new Map<string, number>();
  const wakes: Array<{ due: number; at: number; realMs: number; move: number }> = [];
  const engine = await LocalStepFunctions.create({
    dataDir,
    clock,
    timers,
    lambdas: [
      {
        arn: PLAN,
        invoke: async (event) => {
          const id = (event as { id: string }).id;
          const now = clock.now().getTime();
          const previous = planned.get(id);
          if (previous !== undefined)
            wakes.push({ due: previous, at: now, realMs: performance.now() - moveBegan, move: moveIndex });
          // A few turns of the event loop, like the reads and writes of the real planning step.
          for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
          const sleepSeconds = 600 + Math.floor(Math.random() * 6600);
          planned.set(id, now + sleepSeconds * 1000);
          return { id, sleepSeconds, closed: false };
        },
      },
    ],
    stateMachines: [
      {
        name: 'bench-sleeper',
        definition: JSON.stringify({
          StartAt: 'Plan',
          States: {
            Plan: { Type: 'Task', Resource: PLAN, TimeoutSeconds: 60, Next: 'Closed?' },
            'Closed?': {
              Type: 'Choice',
              Choices: [{ Variable: '$.closed', BooleanEquals: true, Next: 'Stop' }],
              Default: 'Sleep',
            },
            Sleep: { Type: 'Wait', SecondsPath: '$.sleepSeconds', Next: 'Plan' },
            Stop: { Type: 'Succeed' },
          },
        }),
        substitutions: {},
      },
    ],
  });
  const arn = engine.listStateMachines()[0]!.stateMachineArn;
  for (let i = 0; i < EXECUTIONS; i++) engine.startExecution(arn, `e${i}`, JSON.stringify({ id: `e${i}` }));
  // The first move comes while every execution is still planning its first sleep.
  for (moveIndex = 1; moveIndex <= MOVES; moveIndex++) {
    moveBegan = performance.now();
    moveTargets[moveIndex] = clock.now().getTime() + 3600_000;
    clock.advance(3600_000);
    await engine.whenIdle();
  }
  engine.shutdown();
  timers.stop();
  rmSync(dataDir, { recursive: true, force: true });
  // The move that should have delivered a sleep: the first whose target reached its due instant.
  const expectedMove = (due: number) => moveTargets.findIndex((t) => t !== undefined && t >= due);
  const fired = wakes.map((w) => ({ ...w, missed: w.move > expectedMove(w.due) }));
  return row(`workflows (${EXECUTIONS} executions, ${MOVES} hourly moves)`, fired, null);
}

// The timers' own setTimeout is unref'd (the local stack's servers keep the process alive); here a handle does.
const keepAlive = setInterval(() => {}, 1000);
const rows = [
  await plainTimers('real time'),
  await plainTimers('clock jumps'),
  armedDuringAMove(),
  await workflows(),
];
clearInterval(keepAlive);
console.table(rows);
console.log(
  'virtual*: when it fired minus its due instant on the virtual clock (in a move, the jump itself); real*: ms after the move began (real time: after its due instant).',
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/timer-lateness.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'timer-lateness', measuredAt: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
// The step-functions library leaves its own timers behind after shutdown.
process.exit(0);
