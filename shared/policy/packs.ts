/**
 * The four policy packs shipped with the product, one per desk. The JSON files are imported
 * statically (import attributes) so esbuild inlines them into a Lambda bundle; each is validated
 * once, on first use, and the parsed packs are frozen and shared.
 */
import acentus from '../policies/acentus.json' with { type: 'json' };
import rarelogic from '../policies/rarelogic.json' with { type: 'json' };
import rchSpyfocus from '../policies/rch-spyfocus.json' with { type: 'json' };
import techflow from '../policies/techflow.json' with { type: 'json' };
import { isKnownDesk, PACK_IDS, type PackId } from './pack-ids.ts';
import { type PolicyPack, parsePolicyPack } from './schema.ts';

/** Every desk's pack; the type keeps it in step with PACK_IDS. */
const SOURCES: Readonly<Record<PackId, unknown>> = {
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

/** All shipped packs by desk id, validated (throws `PolicyPackError` naming the file on a bad pack). */
export function loadPolicyPacks(): ReadonlyMap<string, PolicyPack> {
  if (!loaded) {
    const map = new Map<string, PolicyPack>();
    for (const id of PACK_IDS) {
      const pack = parsePolicyPack(SOURCES[id as PackId], `shared/policies/${id}.json`);
      if (pack.id !== id) throw new Error(`shared/policies/${id}.json declares id "${pack.id}"`);
      map.set(id, deepFreeze(pack));
    }
    loaded = map;
  }
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
