import { monotonicFactory } from 'ulidx';

const monotonic = monotonicFactory();

/** A ULID stamped with the given instant (the injected clock's, so ids sort with virtual time). */
export function newId(at: Date): string {
  return monotonic(at.getTime());
}
