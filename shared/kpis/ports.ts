import type { TicketActivity } from '../tickets/activity.ts';
import type { SurveyScore } from './metrics.ts';
import type { RollupTicket } from './recorder.ts';
import type { Contribution, Counters } from './rollups.ts';

/** When a contribution was computed: the source's version, then the instant (a later look at the same version wins). */
export interface ContributionStamp {
  version: number;
  asOf: string;
}

/** The desk's KPI roll-ups: one item per local day, and each source's last applied contribution. */
export interface KpiRollupStore {
  /**
   * Makes `contribution` the source's share of the roll-ups, exactly once: the days gain the
   * difference from what the source contributed before. A retry, or an older stamp than the one
   * applied, changes nothing. `source` names a ticket or a survey answer (`ticket#<id>`).
   */
  applyContribution(
    desk: string,
    source: string,
    stamp: ContributionStamp,
    contribution: Contribution,
  ): Promise<'applied' | 'unchanged' | 'stale'>;
  /** The roll-ups of the local days in [fromDay, toDay] (inclusive), with how many items were read. */
  readDays(
    desk: string,
    fromDay: string,
    toDay: string,
  ): Promise<{ days: Map<string, Counters>; itemsRead: number }>;
}

/** One page of a desk's tickets or survey answers, and where the next begins (opaque). */
export interface BackfillPage<T> {
  items: T[];
  next: string | undefined;
}

export interface BackfillSource {
  tickets(
    desk: string,
    from: string | undefined,
  ): Promise<BackfillPage<{ ticket: RollupTicket; activity: TicketActivity[] }>>;
  surveys(desk: string, from: string | undefined): Promise<BackfillPage<SurveyScore>>;
}
