import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '#shared/time/clock.ts';

/**
 * The local stack's clock: real time plus an offset that people and tests move forward, so a
 * three-day SLA plays out in milliseconds. It never moves backwards (timers would misfire), and
 * the offset is saved so a restart keeps the simulated date.
 */
export class VirtualClock implements Clock {
  private offsetMs = 0;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(private readonly file?: string) {
    if (file) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown };
        if (typeof saved.offsetMs === 'number' && Number.isFinite(saved.offsetMs))
          this.offsetMs = saved.offsetMs;
      } catch {
        // no saved clock yet: start at real time
      }
    }
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward.');
    this.offsetMs += ms;
    return this.changed();
  }

  set(to: Date): Date {
    const delta = to.getTime() - this.now().getTime();
    if (delta < 0)
      throw new RangeError(`The clock only moves forward; it is already ${this.now().toISOString()}.`);
    return this.advance(delta);
  }

  /** Called after every move, in registration order (the timer service listens here). */
  onChange(listener: (now: Date) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): Date {
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, JSON.stringify({ offsetMs: this.offsetMs }));
    }
    const now = this.now();
    for (const listener of this.listeners) listener(now);
    return now;
  }
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO 8601 duration in weeks, days, hours, minutes, seconds (no months or years: their length varies). */
export function parseIsoDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/.test(text.trim())) return undefined;
  const [, w, d, h, min, s] = m;
  const n = (v: string | undefined) => (v ? Number(v) : 0);
  return ((((n(w) * 7 + n(d)) * 24 + n(h)) * 60 + n(min)) * 60 + n(s)) * 1000;
}
