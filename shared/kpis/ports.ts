import type { TicketActivity } from '../tickets/activity.ts';
import type { SurveyScore } from './metrics.ts';
import type { RollupTicket } from './recorder.ts';
import type { Contribution, Counters } from './rollups.ts';

/** When a contribution was computed: the source's version, then the instant (a later look at the same version wins). */
export interface ContributionStamp {
  version: number;
  asOf: string;
}

/**
 * A ticket's share of the roll-ups, kept on the ticket item and written by the ticket's own conditional
 * write (the workflow's progress write): `seq` counts the changes made to it, `applied` is what the days
 * hold of the ticket.
 */
export interface TicketKpiShare {
  seq: number;
  applied?: Contribution | undefined;
}

/**
 * A change of a ticket's share written on the ticket but maybe not yet added to its days: the days
 * remember its token for a while (real time from `at`), so adding it again within that while adds
 * nothing twice.
 */
export interface KpiChange {
  token: string;
  at: string;
  parts: Contribution[];
}

/** The desk's KPI roll-ups: one item per local day; tickets keep their share on their own item. */
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
  /** A change of a ticket's share (its token names the ticket and the share's new `seq`), stamped now. */
  newChange(ticketId: string, seq: number, parts: Contribution[]): KpiChange;
  /** Adds each part to its day unless the day already took this change (one conditional write per day). */
  addChange(desk: string, change: KpiChange): Promise<void>;
  /**
   * A change a run left on the ticket (it died after the ticket's write, or its park was refused): added
   * again while the days still remember its token; older ones were added by the run that wrote them.
   */
  finishLeftover(desk: string, change: KpiChange): Promise<'added-once' | 'expired'>;
  /**
   * The share of a ticket rolled up before shares moved onto the ticket item (its old source item,
   * finishing a change left half-done there); `seq` 0 and nothing applied for any other ticket.
   */
  legacyShare(desk: string, ticketId: string): Promise<TicketKpiShare>;
  /**
   * Writes a ticket's new share and its change on the ticket item, unless the ticket moved past
   * `expected` (its version, or its share's `seq`; undefined: no share yet). False when refused.
   */
  commitTicketShare(
    desk: string,
    ticketId: string,
    expected: { version: number; seq: number | undefined },
    share: TicketKpiShare,
    change: KpiChange,
  ): Promise<boolean>;
  /** Drops a change from the ticket once its days have it (only if it is still that change). */
  clearTicketChange(desk: string, ticketId: string, token: string): Promise<void>;
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
  ): Promise<
    BackfillPage<{
      ticket: RollupTicket;
      activity: TicketActivity[];
      kpi?: TicketKpiShare | undefined;
      kpiChange?: KpiChange | undefined;
    }>
  >;
  surveys(desk: string, from: string | undefined): Promise<BackfillPage<SurveyScore>>;
}
