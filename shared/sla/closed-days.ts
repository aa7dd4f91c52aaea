/**
 * Holidays written out in a pack as rules ("third Monday of February", "Friday before Easter"),
 * computed for any year: a deadline years ahead still sees them, with no table to run out.
 */
import type { ClosedDayRule, ClosedDays } from '../policy/schema.ts';
import { WEEKDAYS } from '../policy/vocabulary.ts';

const DAY_MS = 86_400_000;
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Easter Sunday (Gregorian, anonymous algorithm) as a UTC midnight. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}

/** The date (UTC midnight) a rule gives in `year`. */
export function ruleDate(rule: ClosedDayRule, year: number): number {
  if ('easterOffset' in rule) return easterSunday(year) + rule.easterOffset * DAY_MS;
  if ('day' in rule) return Date.UTC(year, rule.month - 1, rule.day);
  const wd = WEEKDAYS.indexOf(rule.weekday);
  if ('nth' in rule) {
    const first = Date.UTC(year, rule.month - 1, 1);
    const shift = (wd - new Date(first).getUTCDay() + 7) % 7;
    return first + (shift + 7 * (rule.nth - 1)) * DAY_MS;
  }
  const limit = Date.UTC(year, rule.month - 1, rule.before - 1);
  const back = (new Date(limit).getUTCDay() - wd + 7) % 7;
  return limit - back * DAY_MS;
}

/**
 * Local dates (YYYY-MM-DD → name) the rules close in `year`. With `weekend: next-weekday`, a
 * holiday on a Saturday or Sunday also closes the next weekday not already closed (Christmas on a
 * Saturday and Boxing Day on a Sunday close Monday and Tuesday).
 */
export function closedDaysOf(def: ClosedDays, year: number): Map<string, string> {
  const days = def.days.map((r) => ({ name: r.name, at: ruleDate(r, year) })).sort((a, b) => a.at - b.at);
  const out = new Map<string, string>();
  for (const d of days) out.set(isoOf(d.at), d.name);
  if (def.weekend === 'next-weekday') {
    for (const d of days) {
      const wd = new Date(d.at).getUTCDay();
      if (wd !== 0 && wd !== 6) continue;
      let t = d.at + DAY_MS;
      while ([0, 6].includes(new Date(t).getUTCDay()) || out.has(isoOf(t))) t += DAY_MS;
      out.set(isoOf(t), `${d.name} (observed)`);
    }
  }
  return out;
}
