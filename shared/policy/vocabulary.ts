/**
 * The plain values of the policy-pack format that running code reads (metric names, weekdays, the
 * open-period syntax, the version string). Apart from the zod schema (schema.ts) so that the SLA
 * engine, calendars and KPIs bundle without it: a Lambda reads the shipped packs, already validated
 * (packs.ts), and never parses one.
 */
import type { PolicyPack } from './schema.ts';

export const METRICS = [
  'first-response',
  'next-response',
  'periodic-update',
  'resolution',
  'assignment',
] as const;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const PERIOD_RE = /^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes after local midnight of the start and end of an `HH:MM-HH:MM` period (end may be 24:00). */
export function parsePeriod(period: string): { from: number; to: number } {
  const m = PERIOD_RE.exec(period);
  if (!m) throw new Error(`invalid period ${period}`);
  return { from: Number(m[1]) * 60 + Number(m[2]), to: Number(m[3]) * 60 + Number(m[4]) };
}

/** The pack version as a string (`3` → `"3"`). */
export function packVersion(pack: PolicyPack): string {
  return String(pack.version);
}
