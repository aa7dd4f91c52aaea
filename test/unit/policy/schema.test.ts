import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyPackJsonSchema } from '#shared/policy/export-schema.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import { PolicyPackError, parsePolicyPack } from '#shared/policy/schema.ts';

const valid = () => structuredClone(getPolicyPack('techflow')) as Record<string, unknown>;
const issues = (json: unknown): string[] => {
  try {
    parsePolicyPack(json);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyPackError);
    return (err as PolicyPackError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected the pack to be rejected');
};

describe('parsePolicyPack', () => {
  it('accepts a shipped pack and keeps a semver or integer version', () => {
    expect(parsePolicyPack(valid()).version).toBe('1.0.0');
    expect(parsePolicyPack({ ...valid(), version: 3 }).version).toBe(3);
  });

  it('rejects unknown fields anywhere, with their path', () => {
    const pack = valid();
    (pack.calendars as Record<string, Record<string, unknown>>)['standard-hours']!.opensAt = '08:00';
    expect(issues(pack).join('\n')).toMatch(/calendars\.standard-hours: Unrecognized key: "opensAt"/);
    expect(issues({ ...valid(), colour: 'blue' }).join('\n')).toMatch(/Unrecognized key: "colour"/);
  });

  it.each([
    ['an abbreviation instead of an IANA zone', { timeZone: 'EST' }, /timeZone: an IANA time zone/],
    ['a bad version', { version: 'v1' }, /version/],
    [
      'a calendar reference that does not exist',
      { defaultCalendar: 'nope' },
      /defaultCalendar: unknown calendar "nope"/,
    ],
  ])('rejects %s', (_name, patch, message) => {
    expect(issues({ ...valid(), ...patch }).join('\n')).toMatch(message);
  });

  it('rejects bad and overlapping open periods', () => {
    const pack = valid();
    pack.calendars = { c: { hours: { mon: ['09:00-12:00', '11:00-13:00'], tue: ['17:00-09:00'] } } };
    pack.defaultCalendar = 'c';
    pack.plans = [{ id: 'standard', name: 'S' }];
    pack.targets = [];
    const text = issues(pack).join('\n');
    expect(text).toMatch(/calendars\.c\.hours\.mon: overlapping open periods on mon/);
    expect(text).toMatch(/calendars\.c\.hours\.tue\[0\]: a period must end after it starts/);
  });

  it('rejects two target rules with the same selectors (precedence must be unambiguous)', () => {
    const pack = valid();
    const targets = pack.targets as unknown[];
    targets.push({ ...(targets[0] as object), id: 'dup' });
    expect(issues(pack).join('\n')).toMatch(/same metric, priority, plan and channel as targets\[0\]/);
  });

  it('parses JSON text and reports JSON errors', () => {
    expect(issues('{ nope').join('\n')).toMatch(/not JSON/);
    expect(parsePolicyPack(JSON.stringify(valid())).id).toBe('techflow');
  });
});

describe('JSON Schema export', () => {
  it('is strict and matches shared/policies/schema.json (run `npm run schema` after changing the schema)', () => {
    const schema = policyPackJsonSchema();
    expect(schema.additionalProperties).toBe(false);
    const onDisk = JSON.parse(
      readFileSync(new URL('../../../shared/policies/schema.json', import.meta.url), 'utf8'),
    );
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(schema)));
  });
});
