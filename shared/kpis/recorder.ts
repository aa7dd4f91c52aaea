import { findPolicyPack } from '../policy/packs.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Ticket } from '../tickets/model.ts';
import type { SurveyScore } from './metrics.ts';
import type { KpiChange, KpiRollupStore, TicketKpiShare } from './ports.ts';
import { contributionDelta, surveyContribution, ticketContribution } from './rollups.ts';

export type RollupTicket = Pick<Ticket, 'id' | 'desk' | 'createdAt' | 'priority' | 'status' | 'version'>;

/** A ticket as read, with its share of the roll-ups and any change of it a run left behind. */
export interface TicketWithShare {
  ticket: RollupTicket;
  activity: readonly TicketActivity[];
  kpi?: TicketKpiShare | undefined;
  kpiChange?: KpiChange | undefined;
}

/**
 * What the ticket's next conditional write carries: its new share and the change, on condition the
 * share is still at `expectedSeq` (undefined: the ticket has none yet). After that write, `addChange`.
 */
export interface TicketShareWrite {
  share: TicketKpiShare;
  change: KpiChange;
  expectedSeq: number | undefined;
}

/**
 * What a ticket change's own commit carries of the KPI share: a new share and its change (then
 * `addChange`), or only the drop of a change an earlier writer left on the ticket (finished before this
 * commit), each on condition the share is still at `expectedSeq`.
 */
export type TicketShareCommit = TicketShareWrite | { dropChange: string; expectedSeq: number | undefined };

/** The ticket's contribution to the roll-ups at `now`, replayed through its desk's pack. */
function shareOf(ticket: RollupTicket, activity: readonly TicketActivity[], now: Date) {
  return ticketContribution(
    findPolicyPack(ticket.desk),
    {
      id: ticket.id,
      createdAt: ticket.createdAt,
      priority: ticket.priority,
      status: ticket.status,
      activity: [...activity],
    },
    now,
  );
}

/**
 * Keeps the KPI roll-ups in step with tickets and survey answers. A ticket's share rides on the
 * ticket's own conditional write: the API's commit of a change (a response, a resolution) and the SLA
 * workflow's progress write (what only it sees: a breach as the clock passes a target); then each
 * changed day takes one write. Both compute the share with the same pure function of the ticket, its
 * activity and the instant, and both write on condition of the share's `seq` as read, so of two
 * writers one wins and the other re-reads. The backfill does the same with its own writes. A survey
 * answer is written once and has its own source item.
 */
export function kpiRecorder(store: KpiRollupStore) {
  /**
   * The share `ticket` (as it will be written) and `activity` give at `now`, as a write for the ticket,
   * or undefined when the days already hold it. First finishes a change a run left on the ticket.
   */
  async function planTicketShare(
    read: TicketWithShare,
    ticket: RollupTicket,
    activity: readonly TicketActivity[],
    now: Date,
  ): Promise<TicketShareWrite | undefined> {
    if (read.kpiChange) await store.finishLeftover(ticket.desk, read.kpiChange);
    const before = read.kpi ?? (await store.legacyShare(ticket.desk, ticket.id));
    const contribution = shareOf(ticket, activity, now);
    const parts = contributionDelta(before.applied, contribution);
    if (parts.length === 0) return undefined;
    const seq = before.seq + 1;
    return {
      share: { seq, applied: contribution },
      change: store.newChange(ticket.id, seq, parts),
      expectedSeq: read.kpi?.seq,
    };
  }

  return {
    planTicketShare,

    /**
     * What a change's commit carries (shared/tickets/service.ts): the new share, or else the drop of a
     * change found on the ticket (planTicketShare has finished it), or nothing.
     */
    async planCommit(
      read: TicketWithShare,
      ticket: RollupTicket,
      activity: readonly TicketActivity[],
      now: Date,
    ): Promise<TicketShareCommit | undefined> {
      const write = await planTicketShare(read, ticket, activity, now);
      if (write) return write;
      return read.kpiChange ? { dropChange: read.kpiChange.token, expectedSeq: read.kpi?.seq } : undefined;
    },

    /**
     * A replayed request found its change committed: the share's change that request may have left on
     * the ticket (it died before adding it) is added now, once, while the days remember its token.
     */
    async finishLeftover(read: TicketWithShare) {
      if (read.kpiChange) await store.finishLeftover(read.ticket.desk, read.kpiChange);
    },

    /** After the ticket's write: each changed day adds its part, once. */
    addChange: (desk: string, change: KpiChange) => store.addChange(desk, change),

    /**
     * The backfill's record of one ticket, beside the live workflow: refused (`stale`) if the ticket
     * changed since it was read (its workflow records that change itself).
     */
    async ticketChanged(read: TicketWithShare, now: Date): Promise<'applied' | 'unchanged' | 'stale'> {
      const write = await planTicketShare(read, read.ticket, read.activity, now);
      if (!write) return 'unchanged';
      const { desk, id, version } = read.ticket;
      const committed = await store.commitTicketShare(
        desk,
        id,
        { version, seq: write.expectedSeq },
        write.share,
        write.change,
      );
      if (!committed) return 'stale';
      await store.addChange(desk, write.change);
      await store.clearTicketChange(desk, id, write.change.token);
      return 'applied';
    },

    /** An answer is written once, so its stamp never changes: a repeat is `stale` and adds nothing. */
    async surveyAnswered(desk: string, answer: SurveyScore) {
      return store.applyContribution(
        desk,
        `survey#${answer.ticketId}`,
        { version: 1, asOf: answer.submittedAt },
        surveyContribution(findPolicyPack(desk), answer),
      );
    },
  };
}

export type KpiRecorder = ReturnType<typeof kpiRecorder>;
