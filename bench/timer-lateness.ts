/**
 * Timer lateness on the local engine: 1,000 workflows each sleeping until its own checkpoint;
 * lateness = when the sleeping step actually timed out (virtual clock) minus its deadline.
 * Two ways time passes: naturally (real time) and by jumping the virtual clock.
 * Writes bench/results/timer-lateness.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { VirtualTimers } from '../local/timers.ts';
import { VirtualClock } from '../local/virtual-clock.ts';

const N = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Timers spread over the next `spreadMs`; time passes either in real time or by clock jumps. */
async function measure(mode: 'real time' | 'clock jumps'): Promise<{
  mode: string;
  timers: number;
  early: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
  deadlineOrder: boolean;
}> {
  const clock = new VirtualClock();
  const timers = new VirtualTimers(clock);
  const spreadMs = mode === 'real time' ? 2_000 : 3 * 24 * 3600_000;
  const start = clock.now().getTime();
  const lateness: number[] = [];
  const firedOrder: number[] = [];
  let early = 0;
  const done = new Promise<void>((resolve) => {
    let fired = 0;
    for (let i = 0; i < N; i++) {
      const due = start + 50 + Math.floor(Math.random() * spreadMs);
      timers.at(new Date(due), () => {
        const late = clock.now().getTime() - due;
        if (late < 0) early++;
        lateness.push(late);
        firedOrder.push(due);
        if (++fired === N) resolve();
      });
    }
  });
  if (mode === 'clock jumps') {
    // 72 one-hour jumps: every timer must fire in the jump that passes its deadline.
    for (let h = 0; h < 73; h++) {
      clock.advance(3600_000);
      await new Promise((r) => setImmediate(r));
    }
  }
  await done;
  timers.stop();
  const sorted = [...lateness].sort((a, b) => a - b);
  const deadlineOrder = firedOrder.every((d, i) => i === 0 || d >= firedOrder[i - 1]!);
  return {
    mode,
    timers: N,
    early,
    p50ms: percentile(sorted, 50),
    p99ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? 0,
    deadlineOrder,
  };
}

// The timers' own setTimeout is unref'd (the local stack's servers keep the process alive); here a handle does.
const keepAlive = setInterval(() => {}, 1000);
const rows = [await measure('real time'), await measure('clock jumps')];
clearInterval(keepAlive);
console.table(rows);
console.log(
  'In "clock jumps" a timer is as late as the jump that passes it (up to 1 h here): the clock moved past it at once.',
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/timer-lateness.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'timer-lateness', measuredAt: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
