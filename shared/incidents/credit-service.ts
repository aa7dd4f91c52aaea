import type { Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { logger } from '../observability/logger.ts';
import { findPolicyPack } from '../policy/packs.ts';
import type { Clock } from '../time/clock.ts';
import { monthOf, monthWindow, previousMonth } from './availability.ts';
import { accountsFromTickets, LEAD_IN_DAYS, monthlyCredits } from './credits.ts';
import type { AccountSource, CreditStore, IncidentStore } from './ports.ts';

export interface CreditServiceDeps {
  incidents: IncidentStore;
  credits: CreditStore;
  accounts: AccountSource;
  clock: Clock;
}

/** Account credits one read answers; billing pages by month, and a desk's month fits far below this. */
export const CREDIT_LIST_CAP = 5000;

const iso = (ms: number) => new Date(ms).toISOString();

export function creditService(deps: CreditServiceDeps) {
  return {
    /**
     * The monthly job: for each desk with an availability policy, computes the last closed month once.
     * Runs daily; the first run after a month closes computes it, later runs find the report and skip,
     * so a missed run is made up the next day and a repeated run writes nothing.
     */
    async computeClosedMonth(desks: readonly string[]) {
      const now = deps.clock.now();
      const month = previousMonth(monthOf(now));
      const results = [];
      for (const desk of desks) {
        const policy = findPolicyPack(desk)?.availability;
        if (!policy) continue;
        if (await deps.credits.getReport(desk, month)) {
          results.push({ desk, month, status: 'already-computed' as const, credited: 0 });
          continue;
        }
        const window = monthWindow(month);
        const incidents = await deps.incidents.listCreatedBetween(
          desk,
          iso(window.start - LEAD_IN_DAYS * 86_400_000),
          now.toISOString(),
        );
        const tickets = await deps.accounts.ticketsCreatedBetween(desk, iso(window.start), iso(window.end));
        const { report, credits } = monthlyCredits({
          desk,
          month,
          incidents,
          policy,
          accounts: accountsFromTickets(tickets),
          now,
        });
        const written = await deps.credits.putMonth(report, credits);
        logger.info('sla credits computed', { desk, month, credited: credits.length, written });
        results.push({
          desk,
          month,
          status: written ? ('computed' as const) : ('already-computed' as const),
          credited: written ? credits.length : 0,
          plans: report.plans,
        });
      }
      return { now: now.toISOString(), month, results };
    },

    /** GET /sla-credits?month=: a closed month's report and account credits, for the pack's billing roles. */
    async list(principal: Principal, month: string) {
      const policy = findPolicyPack(principal.desk)?.availability;
      if (!policy) throw DomainError.notFound(`SLA credits of desk ${principal.desk}`);
      if (!policy.creditReaders.includes(principal.role as (typeof policy.creditReaders)[number])) {
        throw DomainError.forbidden(`SLA credits are for ${policy.creditReaders.join(', ')} on this desk.`);
      }
      const report = await deps.credits.getReport(principal.desk, month);
      if (!report) {
        const closed = deps.clock.now().getTime() >= monthWindow(month).end;
        return {
          desk: principal.desk,
          month,
          status: closed ? ('pending' as const) : ('month-open' as const),
          report: null,
          items: [],
          truncated: false,
        };
      }
      const { items, truncated } = await deps.credits.listCredits(principal.desk, month, CREDIT_LIST_CAP);
      return { desk: principal.desk, month, status: 'computed' as const, report, items, truncated };
    },
  };
}

export type CreditService = ReturnType<typeof creditService>;
