import { type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { findPolicyPack } from '../policy/packs.ts';
import type { Status } from '../tickets/model.ts';
import type { Clock } from '../time/clock.ts';
import type { TrendSize } from './metrics.ts';
import type { KpiRollupStore } from './ports.ts';
import { buildKpiReport, type KpiReport, type Period, windowDays } from './report.ts';

/** The desk's unresolved tickets now (creation instant and status), every one of them, page by page. */
export type BacklogReader = (desk: string) => Promise<Array<{ createdAt: string; status: Status }>>;

export interface KpiServiceDeps {
  rollups: KpiRollupStore;
  backlog: BacklogReader;
  clock: Clock;
}

export function kpiService(deps: KpiServiceDeps) {
  return {
    /**
     * Reads one roll-up item per day of the window (a 365-day report: 366 items, however many
     * tickets) and the open backlog; nothing is capped or sampled.
     */
    async report(principal: Principal, query: { period: Period; trend: TrendSize }): Promise<KpiReport> {
      if (!SUPERVISOR_ROLES.has(principal.role)) {
        throw DomainError.forbidden('KPIs are for leads, managers and ops.');
      }
      const now = deps.clock.now();
      const pack = findPolicyPack(principal.desk);
      const labels = windowDays(query.period, now, pack?.timeZone ?? 'UTC');
      const [days, backlog] = await Promise.all([
        deps.rollups.readDays(principal.desk, labels[0]!, labels.at(-1)!),
        deps.backlog(principal.desk),
      ]);
      return buildKpiReport({
        desk: principal.desk,
        pack,
        now,
        period: query.period,
        trend: query.trend,
        days: days.days,
        backlog,
      });
    },
  };
}

export type KpiService = ReturnType<typeof kpiService>;
