import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseIsoDuration, VirtualClock } from '#local/virtual-clock.ts';
import { fieldErrorsOf, pointerOf } from '#shared/http/problem.ts';

describe('parseIsoDuration', () => {
  it.each([
    ['PT2H', 7_200_000],
    ['P3D', 259_200_000],
    ['P1DT2H30M', 95_400_000],
    ['PT0.5S', 500],
    ['P1W', 604_800_000],
  ])('%s = %d ms', (text, ms) => expect(parseIsoDuration(text)).toBe(ms));
  it.each(['P', 'PT', '2h', 'P1M', 'P1Y', 'PT-1H'])('rejects %s', (text) =>
    expect(parseIsoDuration(text)).toBeUndefined(),
  );
});

describe('VirtualClock', () => {
  it('moves forward, notifies, and never goes back', () => {
    const clock = new VirtualClock();
    const seen: Date[] = [];
    clock.onChange((now) => seen.push(now));
    const start = clock.now().getTime();
    clock.advance(3_600_000);
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(3_600_000);
    expect(seen).toHaveLength(1);
    expect(() => clock.set(new Date(start))).toThrow(/forward/);
    expect(() => clock.advance(-1)).toThrow(/forward/);
  });
});

describe('problem field pointers', () => {
  it('escapes JSON Pointer characters and lists each unknown key', () => {
    expect(pointerOf(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
    const result = z.strictObject({ a: z.string() }).safeParse({ a: 1, x: 1, y: 2 });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(fieldErrorsOf(result.error).map((e) => e.pointer)).toEqual(['/a', '/x', '/y']);
    }
  });
});
