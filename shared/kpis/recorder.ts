import { findPolicyPack } from '../policy/packs.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Ticket } from '../tickets/model.ts';
import type { SurveyScore } from './metrics.ts';
import type { KpiRollupStore } from './ports.ts';
import { surveyContribution, ticketContribution } from './rollups.ts';

export type RollupTicket = Pick<Ticket, 'id' | 'desk' | 'createdAt' | 'priority' | 'status' | 'version'>;

/**
 * Keeps the KPI roll-ups in step with tickets and survey answers. Called where a change is
 * recorded (the SLA workflow's step, which runs after every ticket change and at every breach; the
 * survey answer) and by the backfill; each call is idempotent.
 */
export function kpiRecorder(store: KpiRollupStore) {
  return {
    async ticketChanged(ticket: RollupTicket, activity: readonly TicketActivity[], now: Date) {
      const contribution = ticketContribution(
        findPolicyPack(ticket.desk),
        {
          id: ticket.id,
          createdAt: ticket.createdAt,
          priority: ticket.priority,
          status: ticket.status,
          activity,
        },
        now,
      );
      return store.applyContribution(
        ticket.desk,
        `ticket#${ticket.id}`,
        { version: ticket.version, asOf: now.toISOString() },
        contribution,
      );
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
