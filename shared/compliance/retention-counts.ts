/**
 * How many items of a data class were created before a cut-off, without reading them all: per-day
 * counts of past days, kept beside the index. A day is counted once it is over (nothing is created
 * on a past day, so its count only moves when items are deleted); whoever deletes an indexed item
 * first marks its day stale, and a stale day is counted again. The preview adds the fresh days'
 * counts and counts only what they do not cover (stale days, days not sealed yet, and the cut-off's
 * own day up to the cut-off) from the index. Pure: the store reads and writes around it.
 */

/** A sealed day's count, and whether a deletion has touched the day since it was counted. */
export interface DayCount {
  day: string;
  count: number;
  fresh: boolean;
}

export interface ClassCounts {
  /** Every day up to this one (UTC, `YYYY-MM-DD`) is counted; null: nothing counted yet. */
  sealedThrough: string | null;
  /** Days with items (a sealed day without an entry has none). */
  days: DayCount[];
}

/** What the index must still be asked: a whole day, or the items from one instant to the cut-off. */
export type LiveRange = { kind: 'day'; day: string } | { kind: 'from'; from: string };

/** A day is sealed this long after it ends, so a write that lands late still falls in an open day. */
export const SEAL_AFTER_DAYS = 2;

const DAY_MS = 86_400_000;

export const dayOf = (iso: string): string => iso.slice(0, 10);

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** The last day that may be sealed at `now`. */
export function sealableThrough(now: Date): string {
  return dayOf(new Date(now.getTime() - (SEAL_AFTER_DAYS + 1) * DAY_MS).toISOString());
}

/**
 * The candidates before `cutoff` as counted days plus what the index must still count. Everything
 * before the cut-off's day that is sealed and fresh comes from the counts.
 */
export function planClassTotal(counts: ClassCounts, cutoff: string): { counted: number; live: LiveRange[] } {
  const cutoffDay = dayOf(cutoff);
  if (counts.sealedThrough === null) return { counted: 0, live: [{ kind: 'from', from: '' }] };
  let counted = 0;
  const live: LiveRange[] = [];
  for (const d of counts.days) {
    if (d.day >= cutoffDay || d.day > counts.sealedThrough) continue;
    if (d.fresh) counted += d.count;
    else live.push({ kind: 'day', day: d.day });
  }
  // The cut-off's own day, or everything after the last sealed day, up to the cut-off.
  const from = counts.sealedThrough < cutoffDay ? nextDay(counts.sealedThrough) : cutoffDay;
  live.push({ kind: 'from', from });
  return { counted, live };
}
