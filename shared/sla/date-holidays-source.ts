import Holidays from 'date-holidays';
import type { HolidaySource } from './holiday-source.ts';

const instances = new Map<string, Holidays>();

/** Holidays straight from date-holidays: any country and region, any year (heavier to load). */
export const dateHolidaysSource: HolidaySource = (spec, year) => {
  const types = [...(spec.types ?? ['public'])].sort();
  const key = `${spec.country}|${spec.region ?? ''}`;
  let hd = instances.get(key);
  if (!hd) {
    hd = spec.region ? new Holidays(spec.country, spec.region) : new Holidays(spec.country);
    instances.set(key, hd);
  }
  const out = new Map<string, string>();
  for (const h of hd.getHolidays(year)) {
    if (!types.includes(h.type)) continue;
    const date = h.date.slice(0, 10);
    if (!out.has(date)) out.set(date, h.name);
  }
  return out;
};
