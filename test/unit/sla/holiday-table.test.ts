import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dateHolidaysSource } from '#shared/sla/date-holidays-source.ts';
import { holidayTable } from '#shared/sla/generate-holidays.ts';
import { precomputedHolidaySource } from '#shared/sla/holiday-source.ts';

describe('the precomputed holiday table', () => {
  it('is up to date with the packs and date-holidays (run `npm run holidays` if not)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../../shared/sla/holidays.generated.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(holidayTable());
  });

  it('answers like date-holidays for the packs’ sources, and refuses what it does not cover', () => {
    expect([...precomputedHolidaySource({ country: 'US', types: ['public'] }, 2030)]).toEqual([
      ...dateHolidaysSource({ country: 'US', types: ['public'] }, 2030),
    ]);
    expect(precomputedHolidaySource({ country: 'US' }, 2030).get('2030-07-04')).toBe('Independence Day');
    expect(() => precomputedHolidaySource({ country: 'FR' }, 2030)).toThrow(/npm run holidays/);
    expect(() => precomputedHolidaySource({ country: 'US' }, 2099)).toThrow(/2020–2060/);
  });
});
