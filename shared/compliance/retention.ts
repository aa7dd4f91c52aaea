/**
 * Retention rules and purge eligibility. A desk's pack says how many days each data class is kept;
 * the product adds defaults for the records it creates itself (export bundles, idempotency keys).
 *
 * Cut-off: an item is purged when it was created strictly before `now − days × 24 h` (an item created
 * exactly at the cut-off is kept). Tickets count from their last activity too, so a two-year-old
 * ticket that is still being worked on stays. A legal hold on the ticket or on its requester
 * exempts an item from every purge, whatever the pack says.
 */
import type { PolicyPack } from '../policy/schema.ts';
import {
  DATA_CLASSES,
  type DataClassDefinition,
  dataClassDefinition,
  type PurgeUnit,
} from './data-classes.ts';

export const DAY_MS = 86_400_000;

export interface RetentionRule {
  dataClass: string;
  indexClass: string;
  unit: PurgeUnit;
  days: number;
  /** ISO instant: items created strictly before it are due. */
  cutoff: string;
  origin: 'pack' | 'product-default';
  /** The sentence of the policy document, when the rule comes from the pack. */
  source?: string;
}

export interface RetentionPlan {
  rules: RetentionRule[];
  /** Classes the pack names that nothing is purged for, with why. */
  notPurged: Array<{ dataClass: string; reason: string }>;
}

export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The retention rules in force for a desk at `now` (pack classes first, then product defaults). */
export function retentionPlan(pack: PolicyPack | undefined, now: Date): RetentionPlan {
  const rules: RetentionRule[] = [];
  const notPurged: RetentionPlan['notPurged'] = [];
  const named = new Set<string>();
  for (const cls of pack?.retention?.classes ?? []) {
    named.add(cls.dataClass);
    const def = dataClassDefinition(cls.dataClass);
    if (!def) {
      notPurged.push({ dataClass: cls.dataClass, reason: 'unknown data class: nothing is stored under it' });
    } else if (cls.days === null) {
      notPurged.push({ dataClass: cls.dataClass, reason: 'kept indefinitely by the policy' });
    } else if (!def.indexClass || !def.unit) {
      notPurged.push({
        dataClass: cls.dataClass,
        reason: def.accountability
          ? 'an accountability record: kept to show compliance'
          : 'not stored by tierdesk',
      });
    } else {
      rules.push(rule(cls.dataClass, def, cls.days, now, 'pack', cls.source));
    }
  }
  for (const [dataClass, def] of Object.entries(DATA_CLASSES) as Array<[string, DataClassDefinition]>) {
    if (named.has(dataClass) || def.defaultDays === undefined || !def.indexClass || !def.unit) continue;
    rules.push(rule(dataClass, def, def.defaultDays, now, 'product-default'));
  }
  return { rules, notPurged };
}

function rule(
  dataClass: string,
  def: DataClassDefinition,
  days: number,
  now: Date,
  origin: RetentionRule['origin'],
  source?: string,
): RetentionRule {
  return {
    dataClass,
    indexClass: def.indexClass!,
    unit: def.unit!,
    days,
    cutoff: retentionCutoff(now, days).toISOString(),
    origin,
    ...(source ? { source } : {}),
  };
}

/** One indexed item the purge looked at, as the store describes it. */
export interface PurgeCandidate {
  /** Table key of the indexed item. */
  pk: string;
  sk: string;
  createdAt: string;
  ticketId?: string;
  requesterEmail?: string;
  /** Tickets: the last change (`updatedAt`). */
  lastActivityAt?: string;
}

export type KeepReason = 'legal-hold' | 'recent-activity' | 'not-due';

export type RetentionDecision = { purge: true } | { purge: false; reason: KeepReason };

/** Whether a candidate goes, given the holds that cover it. */
export function decideRetention(
  candidate: PurgeCandidate,
  rule: Pick<RetentionRule, 'cutoff' | 'unit'>,
  held: boolean,
): RetentionDecision {
  if (!(candidate.createdAt < rule.cutoff)) return { purge: false, reason: 'not-due' };
  if (held) return { purge: false, reason: 'legal-hold' };
  if (rule.unit === 'ticket' && candidate.lastActivityAt && !(candidate.lastActivityAt < rule.cutoff)) {
    return { purge: false, reason: 'recent-activity' };
  }
  return { purge: true };
}

/** What a purge counted for one data class. Never content: numbers only. */
export interface PurgeCounts {
  examined: number;
  purged: number;
  keptLegalHold: number;
  keptRecentActivity: number;
  /** Items and S3 objects removed along with the purged items (messages, bodies, attachments). */
  itemsDeleted: number;
  objectsDeleted: number;
}

export const zeroCounts = (): PurgeCounts => ({
  examined: 0,
  purged: 0,
  keptLegalHold: 0,
  keptRecentActivity: 0,
  itemsDeleted: 0,
  objectsDeleted: 0,
});

export function addCounts(a: PurgeCounts, b: Partial<PurgeCounts>): PurgeCounts {
  return {
    examined: a.examined + (b.examined ?? 0),
    purged: a.purged + (b.purged ?? 0),
    keptLegalHold: a.keptLegalHold + (b.keptLegalHold ?? 0),
    keptRecentActivity: a.keptRecentActivity + (b.keptRecentActivity ?? 0),
    itemsDeleted: a.itemsDeleted + (b.itemsDeleted ?? 0),
    objectsDeleted: a.objectsDeleted + (b.objectsDeleted ?? 0),
  };
}

export function countKept(reason: KeepReason): Partial<PurgeCounts> {
  if (reason === 'legal-hold') return { keptLegalHold: 1 };
  if (reason === 'recent-activity') return { keptRecentActivity: 1 };
  return {};
}
