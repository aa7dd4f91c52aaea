/**
 * What the availability and credit use cases need from storage, as ports. Adapters:
 * shared/store/incident-store.ts (incidents) and shared/store/sla-credit-store.ts (credits, accounts).
 */
import type { AccountCredit, CreditReport } from './credits.ts';

export interface CreditStore {
  getReport(desk: string, month: string): Promise<CreditReport | undefined>;
  /**
   * Writes the month's account credits, then its report, unless a report exists: the first computation
   * of a month stands (billing may have read it). `false` when it already existed.
   */
  putMonth(report: CreditReport, credits: readonly AccountCredit[]): Promise<boolean>;
  /** A month's account credits, by account; at most `cap`. */
  listCredits(
    desk: string,
    month: string,
    cap: number,
  ): Promise<{ items: AccountCredit[]; truncated: boolean }>;
}

/** Who the desk served in a period: each ticket's requester address, plan and creation time. */
export interface AccountSource {
  ticketsCreatedBetween(
    desk: string,
    from: string,
    to: string,
  ): Promise<Array<{ email: string; plan: string; createdAt: string }>>;
}
