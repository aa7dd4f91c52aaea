/**
 * Business-time maths for SLA clocks.
 *
 * A calendar is compiled, one local year at a time, into a sorted list of open intervals as UTC
 * instants (epoch ms) with a running sum of open time. Adding business time or measuring it is
 * then two binary searches, and DST is exact by construction: each period's local start and end
 * are converted to UTC with the offset in force at that local time (via `Intl` with an explicit
 * `timeZone`; nothing here reads the process time zone). A 09:00-17:00 day is 8 real hours on a
 * DST-change day too, and a 00:00-24:00 day on the spring-forward Sunday is 23 real hours.
 *
 * Holidays come from date-holidays (public holidays only unless the calendar lists other types),
 * each closing its whole local date, plus the calendar's extra closed dates.
 */

import type { Calendar } from '../policy/schema.ts';
import { parsePeriod, WEEKDAYS } from '../policy/vocabulary.ts';
import { closedDaysOf } from './closed-days.ts';
import { currentHolidaySource, type HolidaySpec, holidaySpecKey } from './holiday-source.ts';

export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MIN_YEAR = 1970;
const MAX_YEAR = 2400;

// ---------------------------------------------------------------------------------------------
// Time-zone conversion (Intl with an explicit zone only)
// ---------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

export interface ZonedDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number;
}

/** The wall-clock date and time in `zone` at the UTC instant `ms`. */
export function toZoned(zone: string, ms: number): ZonedDateTime {
  const parts = formatterFor(zone).formatToParts(ms);
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
    }
  }
  if (bc) year = 1 - year;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, hour, minute, second, weekday };
}

/** UTC offset of `zone` at the instant `ms`, in ms (New York in winter: -18,000,000). */
export function offsetMsAt(zone: string, ms: number): number {
  if (zone === 'UTC') return 0;
  const floored = Math.floor(ms / 1000) * 1000;
  const z = toZoned(zone, floored);
  return Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute, z.second) - floored;
}

/**
 * The UTC instant of a local wall-clock time. `minuteOfDay` may be 1440 (24:00 = next midnight).
 * A time skipped by a spring-forward gap maps forward (02:30 → 03:30 on the DST start day); an
 * ambiguous time in the fall-back hour maps to its first occurrence (like Temporal "compatible").
 */
export function zonedTimeToUtc(
  zone: string,
  year: number,
  month: number,
  day: number,
  minuteOfDay = 0,
): number {
  const local = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
  if (zone === 'UTC') return local;
  const o1 = offsetMsAt(zone, local);
  const t1 = local - o1;
  const o2 = offsetMsAt(zone, t1);
  if (o1 === o2) return t1;
  const t2 = local - o2;
  const o3 = offsetMsAt(zone, t2);
  if (o2 === o3) return t2;
  // In a gap: neither offset round-trips; use the offset before the change (maps forward).
  return Math.max(t1, t2);
}

// ---------------------------------------------------------------------------------------------
// Holidays (date-holidays), cached per source and year
// ---------------------------------------------------------------------------------------------

export type { HolidaySpec } from './holiday-source.ts';

const holidayYears = new Map<string, Map<string, string>>();

/** Local dates (YYYY-MM-DD → holiday name) closed by `spec` in `year`, from the installed holiday source. */
export function holidayDates(spec: HolidaySpec, year: number): Map<string, string> {
  const yearKey = `${holidaySpecKey(spec)}|${year}`;
  const cached = holidayYears.get(yearKey);
  if (cached) return cached;
  const out = currentHolidaySource()(spec, year);
  holidayYears.set(yearKey, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compiled calendars
// ---------------------------------------------------------------------------------------------

interface YearChunk {
  year: number;
  /** UTC instant of local Jan 1 00:00 of `year` and of `year + 1`. */
  startMs: number;
  endMs: number;
  starts: Float64Array;
  ends: Float64Array;
  /** Open ms before interval i (within this chunk), and including it. */
  cumBefore: Float64Array;
  cumAfter: Float64Array;
  total: number;
  /** Open ms from the calendar's origin to `startMs` (negative for years before the first built). */
  base: number;
}

/** A calendar ready for fast business-time maths. Build with `compileCalendar`; instances are cached. */
export class BusinessCalendar {
  readonly name: string;
  readonly timeZone: string;
  readonly alwaysOpen: boolean;
  /** Open periods per weekday (0 = Sunday) as minutes after local midnight. */
  private readonly week: ReadonlyArray<ReadonlyArray<{ from: number; to: number }>>;
  private readonly holidays: HolidaySpec | undefined;
  private readonly closedDays: Calendar['closedDays'];
  private readonly closedDates: ReadonlySet<string>;
  private readonly chunks = new Map<number, YearChunk>();
  private minYear = 0;
  private maxYear = -1;
  private last: YearChunk | undefined;

  constructor(name: string, def: Calendar, packTimeZone: string) {
    this.name = name;
    this.timeZone = def.timeZone ?? packTimeZone;
    this.alwaysOpen = def.alwaysOpen === true;
    const week: Array<Array<{ from: number; to: number }>> = [];
    for (const day of WEEKDAYS) {
      if (this.alwaysOpen) {
        week.push([{ from: 0, to: 1440 }]);
      } else {
        const periods = (def.hours?.[day] ?? []).map(parsePeriod).sort((a, b) => a.from - b.from);
        week.push(periods);
      }
    }
    this.week = week;
    this.holidays = def.holidays;
    this.closedDays = def.closedDays;
    this.closedDates = new Set(def.closedDates ?? []);
    // Validate the zone eagerly so a bad zone fails at compile time, not mid-computation.
    formatterFor(this.timeZone);
  }

  /** True when the calendar is open at `ms`. */
  isOpenAt(ms: number): boolean {
    const c = this.chunkAt(ms);
    const i = lastStartAtOrBefore(c.starts, ms);
    return i >= 0 && ms < c.ends[i]!;
  }

  /** Why the calendar is closed on a local date, if it is a holiday or closed date. */
  closedReason(date: string): string | undefined {
    if (this.closedDates.has(date)) return 'closed date';
    const year = Number(date.slice(0, 4));
    const ruled = this.closedDays ? closedDaysOf(this.closedDays, year).get(date) : undefined;
    if (ruled) return ruled;
    if (!this.holidays) return undefined;
    return holidayDates(this.holidays, year).get(date);
  }

  /** Open ms from the calendar's origin to `ms` (a monotonic "business clock reading"). */
  reading(ms: number): number {
    const c = this.chunkAt(ms);
    return c.base + localReading(c, ms);
  }

  /** Open ms between two instants (negative when `b` is before `a`). */
  between(a: number, b: number): number {
    if (a === b) return 0;
    return this.reading(b) - this.reading(a);
  }

  /** The earliest instant at which `ms` of open time have passed since `start`. */
  add(start: number, ms: number): number {
    if (!(ms > 0)) return start;
    let c = this.chunkAt(start);
    const target = c.base + localReading(c, start) + ms;
    let emptyYears = 0;
    while (c.base + c.total < target) {
      if (c.total === 0) {
        emptyYears += 1;
        if (emptyYears > 10) throw new Error(`calendar ${this.name} has no open time for 10 years`);
      } else {
        emptyYears = 0;
      }
      c = this.chunk(c.year + 1);
    }
    const local = target - c.base;
    // First interval whose cumulative end reaches the target.
    let lo = 0;
    let hi = c.cumAfter.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c.cumAfter[mid]! >= local) hi = mid;
      else lo = mid + 1;
    }
    return c.starts[lo]! + (local - c.cumBefore[lo]!);
  }

  /** The first instant at or after `ms` when the calendar is open. */
  nextOpening(ms: number): number {
    let c = this.chunkAt(ms);
    let i = lastStartAtOrBefore(c.starts, ms);
    if (i >= 0 && ms < c.ends[i]!) return ms;
    for (let guard = 0; guard < 12; guard++) {
      if (i + 1 < c.starts.length) return c.starts[i + 1]!;
      c = this.chunk(c.year + 1);
      i = -1;
    }
    throw new Error(`calendar ${this.name} never opens after ${new Date(ms).toISOString()}`);
  }

  private chunkAt(ms: number): YearChunk {
    const last = this.last;
    if (last && ms >= last.startMs && ms < last.endMs) return last;
    const y = new Date(ms).getUTCFullYear();
    let c = this.chunk(y);
    if (ms < c.startMs) c = this.chunk(y - 1);
    else if (ms >= c.endMs) c = this.chunk(y + 1);
    this.last = c;
    return c;
  }

  private chunk(year: number): YearChunk {
    const existing = this.chunks.get(year);
    if (existing) return existing;
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new RangeError(`calendar ${this.name}: year ${year} is outside ${MIN_YEAR}-${MAX_YEAR}`);
    }
    if (this.maxYear < this.minYear) {
      const c = this.build(year, 0);
      this.minYear = year;
      this.maxYear = year;
      return c;
    }
    while (year > this.maxYear) {
      const prev = this.chunks.get(this.maxYear)!;
      this.build(this.maxYear + 1, prev.base + prev.total);
      this.maxYear += 1;
    }
    while (year < this.minYear) {
      const next = this.chunks.get(this.minYear)!;
      const c = this.build(this.minYear - 1, 0);
      c.base = next.base - c.total;
      this.minYear -= 1;
    }
    return this.chunks.get(year)!;
  }

  private build(year: number, base: number): YearChunk {
    const zone = this.timeZone;
    const startMs = zonedTimeToUtc(zone, year, 1, 1, 0);
    const endMs = zonedTimeToUtc(zone, year + 1, 1, 1, 0);
    const starts: number[] = [];
    const ends: number[] = [];
    const push = (s: number, e: number) => {
      if (e <= s) return;
      const n = ends.length;
      if (n > 0 && ends[n - 1] === s) ends[n - 1] = e;
      else {
        starts.push(s);
        ends.push(e);
      }
    };
    const noClosures = !this.holidays && !this.closedDays && this.closedDates.size === 0;
    if (this.alwaysOpen && noClosures) {
      push(startMs, endMs);
    } else {
      const holidays = this.holidays ? holidayDates(this.holidays, year) : undefined;
      const ruled = this.closedDays ? closedDaysOf(this.closedDays, year) : undefined;
      const first = Date.UTC(year, 0, 1);
      const last = Date.UTC(year + 1, 0, 1);
      for (let d = first; d < last; d += DAY_MS) {
        const date = new Date(d);
        const periods = this.week[date.getUTCDay()]!;
        if (periods.length === 0) continue;
        const iso = date.toISOString().slice(0, 10);
        if (this.closedDates.has(iso) || holidays?.has(iso) || ruled?.has(iso)) continue;
        const m = date.getUTCMonth() + 1;
        const dd = date.getUTCDate();
        for (const p of periods) {
          push(zonedTimeToUtc(zone, year, m, dd, p.from), zonedTimeToUtc(zone, year, m, dd, p.to));
        }
      }
    }
    const n = starts.length;
    const cumBefore = new Float64Array(n);
    const cumAfter = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      cumBefore[i] = total;
      total += ends[i]! - starts[i]!;
      cumAfter[i] = total;
    }
    const chunk: YearChunk = {
      year,
      startMs,
      endMs,
      starts: Float64Array.from(starts),
      ends: Float64Array.from(ends),
      cumBefore,
      cumAfter,
      total,
      base,
    };
    this.chunks.set(year, chunk);
    return chunk;
  }
}

function lastStartAtOrBefore(starts: Float64Array, ms: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function localReading(c: YearChunk, ms: number): number {
  const i = lastStartAtOrBefore(c.starts, ms);
  if (i < 0) return 0;
  const s = c.starts[i]!;
  const len = c.ends[i]! - s;
  const into = ms - s;
  return c.cumBefore[i]! + Math.min(into, len);
}

const compiled = new Map<string, BusinessCalendar>();

/** Compiles (or returns the cached compilation of) a calendar definition. */
export function compileCalendar(def: Calendar, packTimeZone: string, name = 'calendar'): BusinessCalendar {
  const key = `${name}|${packTimeZone}|${JSON.stringify(def)}`;
  let cal = compiled.get(key);
  if (!cal) {
    cal = new BusinessCalendar(name, def, packTimeZone);
    compiled.set(key, cal);
  }
  return cal;
}

/** A 24/7 calendar in UTC: business time equals elapsed time. */
export const ALWAYS_OPEN: BusinessCalendar = compileCalendar({ alwaysOpen: true }, 'UTC', '24x7');

// ---------------------------------------------------------------------------------------------
// Public helpers on Dates
// ---------------------------------------------------------------------------------------------

/** The earliest instant at which `minutes` of open time have passed since `start`. */
export function addBusinessMinutes(calendar: BusinessCalendar, start: Date, minutes: number): Date {
  return new Date(calendar.add(start.getTime(), minutes * MINUTE_MS));
}

/** Open minutes between `a` and `b` (fractional when the instants are not whole minutes). */
export function businessMinutesBetween(calendar: BusinessCalendar, a: Date, b: Date): number {
  return calendar.between(a.getTime(), b.getTime()) / MINUTE_MS;
}

/** `days` whole local calendar days after `start` at the same wall-clock time (DST-safe). */
export function addCalendarDays(zone: string, start: Date, days: number): Date {
  const z = toZoned(zone, start.getTime());
  const minute = z.hour * 60 + z.minute;
  const extraMs = z.second * 1000 + (start.getTime() % 1000);
  return new Date(zonedTimeToUtc(zone, z.year, z.month, z.day + days, minute) + extraMs);
}

/** Same wall-clock time `months` later (clamped to the month's last day: Jan 31 + 1 month = Feb 28/29). */
export function addCalendarMonths(zone: string, start: Date, months: number): Date {
  const z = toZoned(zone, start.getTime());
  const monthIndex = z.month - 1 + months;
  const y = z.year + Math.floor(monthIndex / 12);
  const m = (((monthIndex % 12) + 12) % 12) + 1;
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const extraMs = z.second * 1000 + (start.getTime() % 1000);
  return new Date(zonedTimeToUtc(zone, y, m, Math.min(z.day, lastDay), z.hour * 60 + z.minute) + extraMs);
}

/**
 * End of the `days`-th business day after `start`: the closing time of the n-th open local date
 * strictly after the start date (e.g. "within 5 business days" of a Tuesday request ends at close
 * of business the following Tuesday).
 */
export function addBusinessDays(calendar: BusinessCalendar, start: Date, days: number): Date {
  if (days <= 0) return start;
  const zone = calendar.timeZone;
  const z = toZoned(zone, start.getTime());
  let count = 0;
  for (let offset = 1; offset < 3660; offset++) {
    const dayStart = zonedTimeToUtc(zone, z.year, z.month, z.day + offset, 0);
    const dayEnd = zonedTimeToUtc(zone, z.year, z.month, z.day + offset + 1, 0);
    const open = calendar.between(dayStart, dayEnd);
    if (open <= 0) continue;
    count += 1;
    if (count === days) {
      // Closing time: the instant the day's open time is used up.
      return new Date(calendar.add(dayStart, open));
    }
  }
  throw new Error(`calendar ${calendar.name} has no ${days} business days within 10 years`);
}
