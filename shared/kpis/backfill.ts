import type { Clock } from '../time/clock.ts';
import type { BackfillSource } from './ports.ts';
import type { KpiRecorder } from './recorder.ts';

export interface BackfillProgress {
  desk: string;
  kind: 'tickets' | 'surveys';
  done: number;
  /** Give it back as `from` to resume after an interruption. */
  next: string | undefined;
}

/**
 * Writes the roll-ups of a desk's existing tickets and survey answers (tickets created before the
 * roll-ups existed). Safe to run again, or beside the live workflow: each record is idempotent and
 * an older look at a ticket never replaces a newer one.
 */
export async function backfillKpiRollups(
  deps: { source: BackfillSource; recorder: KpiRecorder; clock: Clock },
  desk: string,
  options: {
    from?: { kind: 'tickets' | 'surveys'; next: string } | undefined;
    onPage?: (p: BackfillProgress) => void;
  },
) {
  const counts = { tickets: 0, surveys: 0 };
  if (options.from?.kind !== 'surveys') {
    let next = options.from?.next;
    do {
      const page = await deps.source.tickets(desk, next);
      for (const read of page.items) {
        await deps.recorder.ticketChanged(read, deps.clock.now());
        counts.tickets += 1;
      }
      next = page.next;
      options.onPage?.({ desk, kind: 'tickets', done: counts.tickets, next });
    } while (next);
  }
  let next = options.from?.kind === 'surveys' ? options.from.next : undefined;
  do {
    const page = await deps.source.surveys(desk, next);
    for (const answer of page.items) {
      await deps.recorder.surveyAnswered(desk, answer);
      counts.surveys += 1;
    }
    next = page.next;
    options.onPage?.({ desk, kind: 'surveys', done: counts.surveys, next });
  } while (next);
  return counts;
}
