/**
 * The check that lets Lambdas read the shipped packs without parsing them (packs.ts): each pack is
 * valid, declares its own desk id, and equals what the schema's parse returns for it, so nothing the
 * schema would add (a default) or change is missing at run time. The unit tests and the CDK app run it;
 * no function bundles it.
 */
import { isDeepStrictEqual } from 'node:util';
import { PACK_IDS, type PackId } from './pack-ids.ts';
import { SHIPPED_PACKS } from './packs.ts';
import { parsePolicyPack } from './schema.ts';

/** Throws naming the file when a shipped pack is invalid, misnamed or relies on a schema default. */
export function checkShippedPacks(packs: Readonly<Record<PackId, unknown>> = SHIPPED_PACKS): void {
  for (const id of PACK_IDS) {
    const file = `shared/policies/${id}.json`;
    const json = packs[id as PackId];
    const pack = parsePolicyPack(json, file);
    if (pack.id !== id) throw new Error(`${file} declares id "${pack.id}"`);
    if (!isDeepStrictEqual(pack, json)) {
      throw new Error(
        `${file} differs from its parsed form: spell out every field the schema defaults (${differences(pack, json).join(', ')})`,
      );
    }
  }
}

/** Paths where `parsed` and `json` differ, for the error message. */
function differences(parsed: unknown, json: unknown, path = ''): string[] {
  if (isDeepStrictEqual(parsed, json)) return [];
  if (parsed && json && typeof parsed === 'object' && typeof json === 'object') {
    const a = parsed as Record<string, unknown>;
    const b = json as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differences(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return [path || '(root)'];
}
