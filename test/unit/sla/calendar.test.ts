import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Calendar } from '#shared/policy/schema.ts';
import {
  addBusinessDays,
  addBusinessMinutes,
  addCalendarMonths,
  businessMinutesBetween,
  compileCalendar,
  holidayDates,
  toZoned,
  zonedTimeToUtc,
} from '#shared/sla/calendar.ts';
import { dateHolidaysSource } from '#shared/sla/date-holidays-source.ts';
import { useHolidaySource } from '#shared/sla/holiday-source.ts';

// These calendars use a date-holidays source (CA) that no shipped pack names any more (RareLogic
// writes its holidays out as rules), so it is not in the precomputed table: read the library.
useHolidaySource(dateHolidaysSource);

const weekdays = (...p: string[]) => ({ mon: p, tue: p, wed: p, thu: p, fri: p });
const d = (s: string) => new Date(s);
const add = (cal: ReturnType<typeof compileCalendar>, start: string, minutes: number) =>
  addBusinessMinutes(cal, d(start), minutes).toISOString();

// Every expected instant below is written in UTC (Z) and was computed by hand.
const rarelogic = compileCalendar(
  { hours: weekdays('09:00-17:00'), holidays: { country: 'CA' } },
  'America/Toronto',
  'rarelogic-hours',
);
const techflowStandard = compileCalendar(
  { hours: weekdays('08:00-18:00') },
  'America/New_York',
  'tf-standard',
);
const nyAlways = compileCalendar({ alwaysOpen: true }, 'America/New_York', 'ny-24x7');
const utcOffice = compileCalendar({ hours: weekdays('09:00-17:00') }, 'UTC', 'utc-office');
const split = compileCalendar({ hours: weekdays('09:00-12:00', '13:00-17:00') }, 'UTC', 'split');

describe('zone conversion uses Intl with explicit zones only', () => {
  it.each([
    ['America/New_York', 2026, 3, 6, 9 * 60, '2026-03-06T14:00:00.000Z'],
    ['America/New_York', 2026, 3, 9, 9 * 60, '2026-03-09T13:00:00.000Z'],
    // 02:30 does not exist on 2026-03-08 in New York: it maps forward to 03:30 EDT
    ['America/New_York', 2026, 3, 8, 150, '2026-03-08T07:30:00.000Z'],
    // 01:30 happens twice on 2026-11-01: the first (EDT) is used
    ['America/New_York', 2026, 11, 1, 90, '2026-11-01T05:30:00.000Z'],
    ['America/Toronto', 2026, 11, 2, 9 * 60, '2026-11-02T14:00:00.000Z'],
    ['America/Los_Angeles', 2026, 7, 1, 8 * 60, '2026-07-01T15:00:00.000Z'],
    ['Asia/Kolkata', 2028, 2, 29, 0, '2028-02-28T18:30:00.000Z'],
    ['UTC', 2028, 2, 29, 24 * 60, '2028-03-01T00:00:00.000Z'],
  ])('%s %d-%d-%d +%d min → %s', (zone, y, m, day, minute, expected) => {
    expect(new Date(zonedTimeToUtc(zone, y, m, day, minute)).toISOString()).toBe(expected);
  });

  it('toZoned reads wall time in the given zone', () => {
    expect(toZoned('America/New_York', Date.parse('2026-11-01T05:30:00Z'))).toMatchObject({
      hour: 1,
      minute: 30,
    });
    expect(toZoned('America/New_York', Date.parse('2026-11-01T06:30:00Z'))).toMatchObject({
      hour: 1,
      minute: 30,
    });
    expect(toZoned('America/Toronto', Date.parse('2026-07-01T12:00:00Z'))).toMatchObject({
      weekday: 3,
      hour: 8,
    });
  });
});

describe('DST changes do not shift business deadlines (US Eastern and Canada: 2026-03-08, 2026-11-01)', () => {
  it.each([
    // Friday 17:00 EST + 2 business hours (08-18): 1 h Friday, 1 h Monday from 08:00 EDT
    [techflowStandard, '2026-03-06T22:00:00Z', 120, '2026-03-09T13:00:00.000Z'],
    // Friday 09:00 EST + two 8-hour business days (09-17) ends Monday 17:00 EDT, not 18:00 EDT
    [rarelogic, '2026-03-06T14:00:00Z', 960, '2026-03-09T21:00:00.000Z'],
    // Friday 16:00 EDT + 2 business hours: Monday 10:00 EST
    [rarelogic, '2026-10-30T20:00:00Z', 120, '2026-11-02T15:00:00.000Z'],
    [techflowStandard, '2026-10-30T21:00:00Z', 180, '2026-11-02T15:00:00.000Z'],
  ])('%#: %s + %d business min', (cal, start, minutes, expected) => {
    expect(add(cal, start, minutes)).toBe(expected);
  });

  it('a 24/7 calendar counts real elapsed time: 23 h on spring-forward day, 25 h on fall-back day', () => {
    expect(businessMinutesBetween(nyAlways, d('2026-03-08T05:00:00Z'), d('2026-03-09T04:00:00Z'))).toBe(1380);
    expect(businessMinutesBetween(nyAlways, d('2026-11-01T04:00:00Z'), d('2026-11-02T05:00:00Z'))).toBe(1500);
    expect(add(nyAlways, '2026-03-08T05:00:00Z', 1440)).toBe('2026-03-09T05:00:00.000Z');
  });

  it('a period that starts inside the spring-forward gap opens at 03:30 EDT', () => {
    const cal = compileCalendar({ hours: { sun: ['02:30-04:00'] } }, 'America/New_York', 'gap');
    expect(businessMinutesBetween(cal, d('2026-03-08T00:00:00Z'), d('2026-03-09T00:00:00Z'))).toBe(30);
    expect(businessMinutesBetween(cal, d('2026-03-01T00:00:00Z'), d('2026-03-02T00:00:00Z'))).toBe(90);
  });
});

describe('Canadian public holidays close RareLogic ("Excluding major Canadian holidays")', () => {
  it('date-holidays gives the national public holidays for CA', () => {
    const dates = [...holidayDates({ country: 'CA' }, 2026).keys()];
    expect(dates).toEqual(['2026-01-01', '2026-04-03', '2026-07-01', '2026-09-07', '2026-12-25']);
  });
  it.each([
    ['Canada Day 2026-07-01 (Wednesday)', '2026-06-30T20:00:00Z', 120, '2026-07-02T14:00:00.000Z'],
    ['Christmas 2026-12-25 (Friday)', '2026-12-24T21:00:00Z', 120, '2026-12-28T15:00:00.000Z'],
    ["New Year's Day 2027-01-01 (Friday)", '2026-12-31T21:30:00Z', 60, '2027-01-04T14:30:00.000Z'],
    ['Good Friday 2026-04-03', '2026-04-02T20:00:00Z', 120, '2026-04-06T14:00:00.000Z'],
    ['Labour Day 2026-09-07 (Monday)', '2026-09-04T20:00:00Z', 120, '2026-09-08T14:00:00.000Z'],
  ])('%s', (_name, start, minutes, expected) => {
    expect(add(rarelogic, start, minutes)).toBe(expected);
  });
  it('counts no business time on a holiday', () => {
    expect(businessMinutesBetween(rarelogic, d('2026-07-01T00:00:00Z'), d('2026-07-02T04:00:00Z'))).toBe(0);
  });
});

describe('midnight, weekend, period and leap-day boundaries', () => {
  it.each([
    ['start before opening', utcOffice, '2026-03-02T07:00:00Z', 60, '2026-03-02T10:00:00.000Z'],
    ['ends exactly at closing time', utcOffice, '2026-03-02T16:00:00Z', 60, '2026-03-02T17:00:00.000Z'],
    [
      'one minute past closing rolls to the next morning',
      utcOffice,
      '2026-03-02T16:00:00Z',
      61,
      '2026-03-03T09:01:00.000Z',
    ],
    ['Friday evening to Monday', utcOffice, '2026-03-06T16:30:00Z', 60, '2026-03-09T09:30:00.000Z'],
    ['Saturday start', utcOffice, '2026-03-07T12:00:00Z', 30, '2026-03-09T09:30:00.000Z'],
    ['lunch gap', split, '2026-03-02T11:30:00Z', 60, '2026-03-02T13:30:00.000Z'],
    ['leap day is a business day', utcOffice, '2028-02-28T16:00:00Z', 120, '2028-02-29T10:00:00.000Z'],
    ['leap day to March 1st', utcOffice, '2028-02-29T16:30:00Z', 60, '2028-03-01T09:30:00.000Z'],
    ['year boundary', utcOffice, '2026-12-31T16:30:00Z', 60, '2027-01-01T09:30:00.000Z'],
    ['zero minutes returns the start', utcOffice, '2026-03-07T12:00:00Z', 0, '2026-03-07T12:00:00.000Z'],
  ])('%s', (_name, cal, start, minutes, expected) => {
    expect(add(cal, start, minutes)).toBe(expected);
  });

  it('periods ending at 24:00 join the next day at midnight', () => {
    const cal = compileCalendar({ hours: weekdays('00:00-24:00') }, 'UTC', 'weekday-24h');
    expect(add(cal, '2026-03-05T23:30:00Z', 60)).toBe('2026-03-06T00:30:00.000Z');
    expect(add(cal, '2026-03-06T23:30:00Z', 60)).toBe('2026-03-09T00:30:00.000Z');
    expect(businessMinutesBetween(cal, d('2026-03-05T23:00:00Z'), d('2026-03-06T01:00:00Z'))).toBe(120);
  });

  it('extra closed dates close the whole local day', () => {
    const cal = compileCalendar(
      { hours: weekdays('09:00-17:00'), closedDates: ['2028-02-29'] },
      'UTC',
      'closed',
    );
    expect(add(cal, '2028-02-28T16:00:00Z', 120)).toBe('2028-03-01T10:00:00.000Z');
  });

  it('business days end at closing time; calendar months clamp to the month end', () => {
    expect(addBusinessDays(rarelogic, d('2026-06-30T14:00:00Z'), 2).toISOString()).toBe(
      '2026-07-03T21:00:00.000Z',
    );
    expect(addCalendarMonths('UTC', d('2028-01-31T10:00:00Z'), 1).toISOString()).toBe(
      '2028-02-29T10:00:00.000Z',
    );
    expect(addCalendarMonths('America/New_York', d('2026-02-08T15:00:00Z'), 1).toISOString()).toBe(
      '2026-03-08T14:00:00.000Z',
    );
  });

  it('measures negative spans when b is before a', () => {
    expect(businessMinutesBetween(utcOffice, d('2026-03-03T10:00:00Z'), d('2026-03-02T16:00:00Z'))).toBe(
      -120,
    );
  });
});

// ---- properties -----------------------------------------------------------------------------

/** Reference: walk minute by minute, asking Intl (explicit zone) whether each minute is open. */
function referenceAdd(def: Calendar, zone: string, startMs: number, minutes: number): number {
  const keys = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
  const isOpen = (t: number) => {
    const z = toZoned(zone, t);
    const periods = def.hours?.[keys[z.weekday]!] ?? [];
    const m = z.hour * 60 + z.minute;
    return periods.some((p) => {
      const [a, b] = p.split('-').map((x) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3)));
      return m >= a! && m < b!;
    });
  };
  let t = startMs;
  let left = minutes;
  while (left > 0) {
    if (isOpen(t)) left -= 1;
    t += 60_000;
  }
  return t;
}

const defs: Array<[string, Calendar]> = [
  ['America/New_York', { hours: weekdays('08:00-18:00') }],
  ['America/Los_Angeles', { hours: { ...weekdays('09:00-12:00', '13:00-17:30'), sat: ['10:00-14:00'] } }],
  ['Europe/London', { hours: weekdays('00:00-03:00', '22:00-24:00') }],
];
// Minute-aligned instants around the 2026 DST changes and a normal week.
const arbStart = fc
  .constantFrom(
    Date.parse('2026-03-05T00:00:00Z'),
    Date.parse('2026-10-29T00:00:00Z'),
    Date.parse('2026-03-26T00:00:00Z'),
  )
  .chain((base) => fc.integer({ min: 0, max: 5 * 24 * 60 }).map((m) => base + m * 60_000));

describe('properties (fast-check)', () => {
  it('addBusinessMinutes agrees with a minute-by-minute Intl reference across DST', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: defs.length - 1 }),
        arbStart,
        fc.integer({ min: 1, max: 600 }),
        (i, s, m) => {
          const [zone, def] = defs[i]!;
          const cal = compileCalendar(def, zone, `prop-${i}`);
          expect(cal.add(s, m * 60_000)).toBe(referenceAdd(def, zone, s, m));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('more business minutes never give an earlier deadline', () => {
    fc.assert(
      fc.property(arbStart, fc.nat(5000), fc.nat(5000), (s, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(rarelogic.add(s, lo * 60_000)).toBeLessThanOrEqual(rarelogic.add(s, hi * 60_000));
      }),
    );
  });

  it('between(start, add(start, m)) = m and adding is additive', () => {
    fc.assert(
      fc.property(
        arbStart,
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        (s, a, b) => {
          const end = techflowStandard.add(s, a * 60_000);
          expect(techflowStandard.between(s, end)).toBe(a * 60_000);
          expect(techflowStandard.add(end, b * 60_000)).toBe(techflowStandard.add(s, (a + b) * 60_000));
        },
      ),
    );
  });
});
