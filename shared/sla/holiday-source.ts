import table from './holidays.generated.json' with { type: 'json' };

/**
 * Where calendars get public holidays. Lambdas use a table precomputed from date-holidays for the
 * holiday sources the policy packs name (`npm run holidays` regenerates it; a unit test fails if
 * it is stale): date-holidays with its time-zone data is ~1.4 MB of bundle and slow to load. Tools
 * that time draft packs (the SLA preview, the CLI) install the full library with
 * `useHolidaySource(dateHolidaysSource)` from ./date-holidays-source.ts.
 */
export interface HolidaySpec {
  country: string;
  region?: string | undefined;
  types?: readonly string[] | undefined;
}

/** Local dates (YYYY-MM-DD → holiday name) closed by `spec` in `year`. */
export type HolidaySource = (spec: HolidaySpec, year: number) => Map<string, string>;

export const HOLIDAY_TABLE_YEARS = { from: 2020, to: 2060 } as const;

export function holidaySpecKey(spec: HolidaySpec): string {
  const types = [...(spec.types ?? ['public'])].sort();
  return `${spec.country}|${spec.region ?? ''}|${types.join(',')}`;
}

const precomputed = table as Record<string, Record<string, Record<string, string>>>;

export const precomputedHolidaySource: HolidaySource = (spec, year) => {
  const key = holidaySpecKey(spec);
  const years = precomputed[key];
  const dates = years?.[String(year)];
  if (!dates) {
    throw new Error(
      `No precomputed holidays for ${key} in ${year}: add the source to a policy pack and run \`npm run holidays\` (covers ${HOLIDAY_TABLE_YEARS.from}–${HOLIDAY_TABLE_YEARS.to}).`,
    );
  }
  return new Map(Object.entries(dates));
};

let source: HolidaySource = precomputedHolidaySource;

export function currentHolidaySource(): HolidaySource {
  return source;
}

export function useHolidaySource(next: HolidaySource): void {
  source = next;
}
