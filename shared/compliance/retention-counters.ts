/**
 * The per-day counts of the purgeable classes, read and kept up to date through the retention store:
 * totals for the preview, and the refresh the purge runs with each batch (stale days counted again,
 * finished days sealed).
 */
import type { RetentionStore } from './ports.ts';
import { nextDay, planClassTotal, sealableThrough } from './retention-counts.ts';

/** Days one refresh counts per class: each is one COUNT query over a day of the index that has items. */
export const COUNT_DAYS_PER_REFRESH = 60;

/** The items of a class created before `cutoff`: counted days plus what the index still has to count. Writes nothing. */
export async function classTotal(
  retention: RetentionStore,
  desk: string,
  indexClass: string,
  cutoff: string,
): Promise<number> {
  const plan = planClassTotal(await retention.readClassCounts(desk, indexClass), cutoff);
  let total = plan.counted;
  for (const range of plan.live) {
    total +=
      range.kind === 'day'
        ? await retention.countClassFrom(desk, indexClass, range.day, nextDay(range.day))
        : range.from === ''
          ? await retention.countClass(desk, indexClass, cutoff)
          : await retention.countClassFrom(desk, indexClass, range.from, cutoff);
  }
  return total;
}

/** Counts stale days again and seals the days that are over, at most `budget` days. Returns days counted. */
export async function refreshClassCounts(
  retention: RetentionStore,
  desk: string,
  indexClass: string,
  now: Date,
  budget = COUNT_DAYS_PER_REFRESH,
): Promise<number> {
  const counts = await retention.readClassCounts(desk, indexClass);
  let counted = 0;
  for (const d of counts.days) {
    if (counted >= budget) return counted;
    if (d.fresh || counts.sealedThrough === null || d.day > counts.sealedThrough) continue;
    await retention.recountDay(desk, indexClass, d.day);
    counted++;
  }
  // Sealing jumps from one day with items to the next: an empty day costs nothing.
  const through = sealableThrough(now);
  let from = counts.sealedThrough ? nextDay(counts.sealedThrough) : '';
  while (counted < budget) {
    const day = await retention.firstDayFrom(desk, indexClass, from);
    if (day === undefined || day > through) {
      await retention.sealCountsThrough(desk, indexClass, through);
      break;
    }
    await retention.recountDay(desk, indexClass, day);
    await retention.sealCountsThrough(desk, indexClass, day);
    counted++;
    from = nextDay(day);
  }
  return counted;
}
