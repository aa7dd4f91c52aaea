import { describe, expect, it } from 'vitest';
import { PACK_IDS, type PackId } from '#shared/policy/pack-ids.ts';
import { getPolicyPack, SHIPPED_PACKS } from '#shared/policy/packs.ts';
import { parsePolicyPack } from '#shared/policy/schema.ts';
import { checkShippedPacks } from '#shared/policy/shipped-packs.ts';

/** Functions read the shipped packs unparsed (shared/policy/packs.ts): parsing must change nothing. */
describe('shipped policy packs', () => {
  it.each(PACK_IDS)('%s: the schema parses it to exactly its JSON', (id) => {
    const json = SHIPPED_PACKS[id as PackId];
    expect(parsePolicyPack(json)).toEqual(json);
    expect(getPolicyPack(id)).toBe(json);
  });

  it('all pass the check the CDK app runs at synth', () => {
    expect(() => checkShippedPacks()).not.toThrow();
  });

  it('the check refuses a pack that leaves a field to a schema default, naming it', () => {
    const techflow = structuredClone(SHIPPED_PACKS.techflow) as Record<string, unknown>;
    delete techflow.surveyLinkDays;
    expect(() => checkShippedPacks({ ...SHIPPED_PACKS, techflow })).toThrow(
      /shared\/policies\/techflow\.json differs from its parsed form.*surveyLinkDays/,
    );
  });

  it('the check refuses an invalid or misnamed pack, naming the file', () => {
    const acentus = { ...(SHIPPED_PACKS.acentus as Record<string, unknown>), timeZone: 'EST' };
    expect(() => checkShippedPacks({ ...SHIPPED_PACKS, acentus })).toThrow(/shared\/policies\/acentus\.json/);
    expect(() => checkShippedPacks({ ...SHIPPED_PACKS, rarelogic: SHIPPED_PACKS.techflow })).toThrow(
      'shared/policies/rarelogic.json declares id "techflow"',
    );
  });
});
