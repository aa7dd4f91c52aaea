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
});
