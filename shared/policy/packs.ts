/**
 * The four policy packs shipped with the product, one per desk. The JSON files are imported
 * statically (import attributes) so esbuild inlines them into a Lambda bundle. They are not parsed at
 * run time: every pack is exactly what the schema's parse returns for it (each spells out every field
 * the schema would default), which shipped-packs.ts checks in a unit test and at synth, so a bad pack
 * fails the build rather than a request, and no function bundles the zod pack schema for them.
 */
import acentus from '../policies/acentus.json' with { type: 'json' };
import rarelogic from '../policies/rarelogic.json' with { type: 'json' };
import rchSpyfocus from '../policies/rch-spyfocus.json' with { type: 'json' };
import techflow from '../policies/techflow.json' with { type: 'json' };
import { isKnownDesk, PACK_IDS, type PackId } from './pack-ids.ts';
import type { PolicyPack } from './schema.ts';

/**
 * Every desk's pack, as its JSON file holds it; the type keeps it in step with PACK_IDS. JSON imports
 * type their strings as `string`, not the schema's literals: shipped-packs.ts is what vouches for them.
 */
export const SHIPPED_PACKS: Readonly<Record<PackId, unknown>> = {
  'rch-spyfocus': rchSpyfocus,
  techflow,
  acentus,
  rarelogic,
};

export { isKnownDesk, PACK_IDS };

let loaded: ReadonlyMap<string, PolicyPack> | undefined;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** All shipped packs by desk id, frozen and shared. */
export function loadPolicyPacks(): ReadonlyMap<string, PolicyPack> {
  loaded ??= new Map(PACK_IDS.map((id) => [id, deepFreeze(SHIPPED_PACKS[id as PackId] as PolicyPack)]));
  return loaded;
}

/** The pack of a desk, or undefined for an unknown desk. */
export function findPolicyPack(deskId: string): PolicyPack | undefined {
  return loadPolicyPacks().get(deskId);
}

/** The pack of a desk; throws for an unknown desk. */
export function getPolicyPack(deskId: string): PolicyPack {
  const pack = findPolicyPack(deskId);
  if (!pack) throw new Error(`no policy pack for desk "${deskId}" (known: ${PACK_IDS.join(', ')})`);
  return pack;
}
