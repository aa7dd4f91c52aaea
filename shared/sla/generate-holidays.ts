/**
 * `npm run holidays`: precomputes the public holidays of every holiday source the policy packs
 * name, for HOLIDAY_TABLE_YEARS, into shared/sla/holidays.generated.json.
 */
import { writeFileSync } from 'node:fs';
import { loadPolicyPacks } from '../policy/packs.ts';
import { dateHolidaysSource } from './date-holidays-source.ts';
import { HOLIDAY_TABLE_YEARS, type HolidaySpec, holidaySpecKey } from './holiday-source.ts';

export function holidayTable(): Record<string, Record<string, Record<string, string>>> {
  const specs = new Map<string, HolidaySpec>();
  for (const pack of loadPolicyPacks().values()) {
    for (const calendar of Object.values(pack.calendars)) {
      const holidays = (calendar as { holidays?: HolidaySpec }).holidays;
      if (holidays) specs.set(holidaySpecKey(holidays), holidays);
    }
  }
  const out: Record<string, Record<string, Record<string, string>>> = {};
  for (const [key, spec] of [...specs].sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = {};
    for (let year = HOLIDAY_TABLE_YEARS.from; year <= HOLIDAY_TABLE_YEARS.to; year++) {
      out[key][String(year)] = Object.fromEntries(
        [...dateHolidaysSource(spec, year)].sort(([a], [b]) => a.localeCompare(b)),
      );
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const file = new URL('./holidays.generated.json', import.meta.url);
  writeFileSync(file, `${JSON.stringify(holidayTable(), null, 1)}\n`);
  console.log(`wrote ${file.pathname}`);
}
