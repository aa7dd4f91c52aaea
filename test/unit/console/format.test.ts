import { describe, expect, it } from 'vitest';

// The console is plain JS without type declarations: imported through a path in a variable.
const formatModule = '../../../console/format.js';
const f = await import(formatModule);

describe('console formatting', () => {
  it('shows an instant in the desk’s zone with its offset, summer and winter', () => {
    expect(f.atText('2031-09-15T13:12:00Z', 'America/New_York')).toBe('Mon 15 Sep, 09:12 UTC−4');
    expect(f.atText('2031-12-15T13:12:00Z', 'America/New_York')).toBe('Mon 15 Dec, 08:12 UTC−5');
    expect(f.atText('2031-09-15T13:12:00Z', 'Asia/Kolkata')).toBe('Mon 15 Sep, 18:42 UTC+5:30');
    expect(f.atText('2031-09-15T13:12:00Z', 'UTC')).toBe('Mon 15 Sep, 13:12 UTC');
    expect(f.clockText('2031-09-15T13:12:04Z', 'Europe/Berlin')).toBe('15:12:04 UTC+2');
  });

  it('shortens ticket ids to their last six characters, also inside execution names', () => {
    expect(f.shortId('01JABCDEFGHJKMNPQRSTVWXYZ0')).toBe('WXYZ0'.padStart(6, 'V'));
    expect(f.shortExecutionName('01JABCDEFGHJKMNPQRSTVWXYZ0-2')).toBe('#VWXYZ0-2');
  });

  it('says how old a ticket is briefly', () => {
    expect(f.age('2031-09-15T12:00:00Z', '2031-09-15T12:45:00Z')).toBe('45 min');
    expect(f.age('2031-09-14T12:00:00Z', '2031-09-15T17:00:00Z')).toBe('29 h');
    expect(f.age('2031-09-01T12:00:00Z', '2031-09-15T12:00:00Z')).toBe('14 d');
  });
});
