/**
 * Time is an input. Domain code takes a `Clock` or a `now` argument;
 * the composition root picks the implementation once. On AWS that is the system clock;
 * the local stack installs its virtual clock before any handler runs.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let processClock: Clock = systemClock;

/** The clock handlers read. Only a composition root (the local stack, a test harness) calls `useClock`. */
export function currentClock(): Clock {
  return processClock;
}

export function useClock(clock: Clock): void {
  processClock = clock;
}
