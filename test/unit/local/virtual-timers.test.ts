import { describe, expect, it } from 'vitest';
import { VirtualTimers } from '#local/timers.ts';
import { VirtualClock } from '#local/virtual-clock.ts';

describe('VirtualTimers', () => {
  it('fires due timers in deadline order when the clock jumps, and nothing early', () => {
    const clock = new VirtualClock();
    const timers = new VirtualTimers(clock);
    const start = clock.now().getTime();
    const fired: string[] = [];
    const at = (label: string, minutes: number) =>
      timers.at(new Date(start + minutes * 60_000), () => fired.push(label));
    at('c', 30);
    at('a', 10);
    at('d', 90);
    at('b', 20);
    clock.advance(9 * 60_000);
    expect(fired).toEqual([]);
    clock.advance(21 * 60_000);
    expect(fired).toEqual(['a', 'b', 'c']);
    clock.advance(59 * 60_000);
    expect(fired).toEqual(['a', 'b', 'c']);
    clock.advance(2 * 60_000);
    expect(fired).toEqual(['a', 'b', 'c', 'd']);
    timers.stop();
  });

  it('cancels, and coalesces a recurring job over a long jump', async () => {
    const clock = new VirtualClock();
    const timers = new VirtualTimers(clock);
    let runs = 0;
    const cancel = timers.at(new Date(clock.now().getTime() + 1000), () => runs--);
    cancel();
    timers.every(60_000, () => {
      runs++;
    });
    clock.advance(3 * 24 * 3600_000);
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(1);
    timers.stop();
  });

  it('a timer armed while a move fires timers joins that move, in deadline order', () => {
    const clock = new VirtualClock();
    const timers = new VirtualTimers(clock);
    const start = clock.now().getTime();
    const fired: string[] = [];
    const at = (label: string, minutes: number, then?: () => void) =>
      timers.at(new Date(start + minutes * 60_000), () => {
        fired.push(label);
        then?.();
      });
    // 'a' wakes a workflow that plans its next sleep at 35 min and a retry at 5 min (already past):
    // both fall inside the move to 40 min, so both fire during it, each in its place.
    at('a', 10, () => {
      at('d', 35);
      at('retry', 5);
    });
    at('c', 30);
    at('e', 50);
    clock.advance(40 * 60_000);
    expect(fired).toEqual(['a', 'retry', 'c', 'd']);
    expect(timers.pending).toBe(1);
    timers.stop();
  });

  it('a move made by a firing timer fires what it crosses in the same run', () => {
    const clock = new VirtualClock();
    const timers = new VirtualTimers(clock);
    const start = clock.now().getTime();
    const fired: number[] = [];
    timers.at(new Date(start + 60_000), () => {
      fired.push(1);
      clock.advance(60 * 60_000);
    });
    timers.at(new Date(start + 30 * 60_000), () => fired.push(30));
    clock.advance(2 * 60_000);
    expect(fired).toEqual([1, 30]);
    timers.stop();
  });

  it('one move across many deadlines fires each once, in deadline order (ties in arming order), skipping cancelled ones', () => {
    const clock = new VirtualClock();
    const timers = new VirtualTimers(clock);
    const start = clock.now().getTime();
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const fired: Array<{ due: number; i: number }> = [];
    const expected: Array<{ due: number; i: number }> = [];
    for (let i = 0; i < 2000; i++) {
      // Many equal due instants, to check ties.
      const due = start + 1000 + Math.floor(random() * 500) * 60_000;
      const cancel = timers.at(new Date(due), () => fired.push({ due, i }));
      if (random() < 0.3) cancel();
      else expected.push({ due, i });
    }
    expect(timers.pending).toBe(expected.length);
    const half = start + 250 * 60_000;
    clock.set(new Date(half));
    expect(fired.every((f) => f.due <= half)).toBe(true);
    clock.advance(600 * 60_000);
    expected.sort((a, b) => a.due - b.due || a.i - b.i);
    expect(fired).toEqual(expected);
    expect(timers.pending).toBe(0);
    timers.stop();
  });
});
