/**
 * Desk ids of the shipped packs (shared/policies/<id>.json), in document order (000-003): the one list of
 * desks. A desk without a pack has no SLA and no rules, so nothing else (tokens, infra, the local stack)
 * may name another. Apart from the packs themselves so that checking a desk id (every API route's token
 * verification) does not bundle the four packs and their schema.
 */
const IDS = ['rch-spyfocus', 'techflow', 'acentus', 'rarelogic'] as const;

export type PackId = (typeof IDS)[number];

export const PACK_IDS: readonly string[] = IDS;

/** Whether a desk is served (has a policy pack). */
export function isKnownDesk(deskId: string): boolean {
  return PACK_IDS.includes(deskId);
}
