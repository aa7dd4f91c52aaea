import type { AccountCredit, CreditReport } from './credits.ts';
import type { Incident } from './model.ts';

export class IncidentVersionConflict extends Error {
  constructor(readonly incidentId: string) {
    super(`Incident ${incidentId} changed concurrently`);
    this.name = 'IncidentVersionConflict';
  }
}

export interface IncidentStore {
  get(desk: string, id: string): Promise<Incident | undefined>;
  /** `false` when it already exists (a retried create). */
  putNew(incident: Incident): Promise<boolean>;
  /** Replaces the incident if the stored version is still `expectedVersion`, else IncidentVersionConflict. */
  replace(incident: Incident, expectedVersion: number): Promise<void>;
  /** Newest first. */
  list(desk: string, limit: number): Promise<Incident[]>;
  /** Incidents whose next review threshold is before `before`, soonest first. */
  listReviewDue(desk: string, before: string, limit: number): Promise<Array<{ id: string; at: string }>>;
  /** Every incident opened in [from, to), oldest first (availability reads a month and its lead-in). */
  listCreatedBetween(desk: string, from: string, to: string): Promise<Incident[]>;
}

/**
 * What the availability and credit use cases need from storage, as ports. Adapters:
 * shared/store/incident-store.ts (incidents) and shared/store/sla-credit-store.ts (credits, accounts).
 */

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
