/**
 * Policy durations ("48 hours", "5 business days", "one calendar month") as instants, on the
 * desk's calendars. Hours and minutes are elapsed time; days and months are local calendar days in
 * the pack's time zone (DST-safe, month ends clamped); business days end at the close of the n-th
 * open day after the start (shared/sla/calendar.ts `addBusinessDays`), holidays included.
 */
import type { PolicyPack } from '../policy/schema.ts';
import {
  addBusinessDays,
  addCalendarDays,
  addCalendarMonths,
  type BusinessCalendar,
  compileCalendar,
} from '../sla/calendar.ts';

export interface PolicyDuration {
  amount: number;
  unit: 'minutes' | 'hours' | 'days' | 'business-days' | 'calendar-months';
}

/** Business days for a desk without a pack: Mon–Fri 09:00–17:00 UTC. */
const FALLBACK_CALENDAR = compileCalendar(
  {
    hours: {
      mon: ['09:00-17:00'],
      tue: ['09:00-17:00'],
      wed: ['09:00-17:00'],
      thu: ['09:00-17:00'],
      fri: ['09:00-17:00'],
    },
  },
  'UTC',
  'fallback-business-days',
);

export function zoneOf(pack: PolicyPack | undefined): string {
  return pack?.timeZone ?? 'UTC';
}

export function calendarOf(pack: PolicyPack | undefined, name?: string): BusinessCalendar {
  if (!pack) return FALLBACK_CALENDAR;
  const calendarName = name ?? pack.defaultCalendar;
  const def = pack.calendars[calendarName];
  if (!def) throw new Error(`pack ${pack.id}: unknown calendar "${calendarName}"`);
  return compileCalendar(def, pack.timeZone, calendarName);
}

export function addPolicyDuration(
  pack: PolicyPack | undefined,
  start: Date,
  duration: PolicyDuration,
  calendarName?: string,
): Date {
  const zone = zoneOf(pack);
  switch (duration.unit) {
    case 'minutes':
      return new Date(start.getTime() + duration.amount * 60_000);
    case 'hours':
      return new Date(start.getTime() + duration.amount * 3_600_000);
    case 'days':
      return addCalendarDays(zone, start, duration.amount);
    case 'business-days':
      return addBusinessDays(calendarOf(pack, calendarName), start, duration.amount);
    case 'calendar-months':
      return addCalendarMonths(zone, start, duration.amount);
  }
}

export function describeDuration(duration: PolicyDuration): string {
  const unit =
    duration.unit === 'calendar-months'
      ? 'calendar month'
      : duration.unit === 'business-days'
        ? 'business day'
        : duration.unit.replace(/s$/, '');
  return `${duration.amount} ${unit}${duration.amount === 1 ? '' : 's'}`;
}
