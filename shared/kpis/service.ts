import { type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { findPolicyPack } from '../policy/packs.ts';
import type { SurveyStore } from '../survey/ports.ts';
import type { TicketReads } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import type { TrendSize } from './metrics.ts';
import { buildKpiReport, type KpiReport, type Period, periodWindow } from './report.ts';

/**
 * Most tickets one report reads. The work is linear in tickets: each is read once (its activity log
 * is on the ticket item) and replayed once through the SLA engine (~16,000 tickets/s measured).
 * A desk that creates more than this in a window needs daily roll-ups (see docs/ops.md).
 */
export const KPI_TICKET_CAP = 20_000;
export const KPI_SURVEY_CAP = 20_000;
export const KPI_BACKLOG_CAP = 20_000;

export interface KpiServiceDeps {
  reads: TicketReads;
  surveys: SurveyStore;
  clock: Clock;
}

export function kpiService(deps: KpiServiceDeps) {
  return {
    async report(principal: Principal, query: { period: Period; trend: TrendSize }): Promise<KpiReport> {
      if (!SUPERVISOR_ROLES.has(principal.role)) {
        throw DomainError.forbidden('KPIs are for leads, managers and ops.');
      }
      const now = deps.clock.now();
      const { from, to } = periodWindow(query.period, now);
      const [tickets, surveys, backlog] = await Promise.all([
        deps.reads.listCreatedBetween(principal.desk, from.toISOString(), to.toISOString(), KPI_TICKET_CAP),
        deps.surveys.listSubmittedBetween(
          principal.desk,
          from.toISOString(),
          to.toISOString(),
          KPI_SURVEY_CAP,
        ),
        deps.reads.listUnresolved(principal.desk, KPI_BACKLOG_CAP),
      ]);
      return buildKpiReport({
        desk: principal.desk,
        pack: findPolicyPack(principal.desk),
        now,
        period: query.period,
        trend: query.trend,
        tickets: tickets.records.map((r) => ({
          id: r.ticket.id,
          createdAt: r.ticket.createdAt,
          priority: r.ticket.priority,
          status: r.ticket.status,
          activity: r.activity,
        })),
        surveys: surveys.responses,
        backlog: backlog.records.map((r) => r.ticket),
        truncated: { tickets: tickets.truncated, surveys: surveys.truncated, backlog: backlog.truncated },
      });
    },
  };
}

export type KpiService = ReturnType<typeof kpiService>;
