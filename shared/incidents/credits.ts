/**
 * Monthly service credits for SLA breaches (TechFlow: "Credits available for SLA breaches"), pure.
 * A closed UTC month's availability per plan (./availability.ts) is looked up in the plan's credit
 * schedule; every account seen on the plan in the month gets that credit, as a percentage of its
 * monthly fee (billing knows the fee; we know the availability).
 *
 * An account is a requester: the address the desk's tickets carry, with the plan of its latest
 * ticket in the month. The plan record says what every account on the plan is owed, for accounts
 * billing knows that opened no ticket.
 */
import {
  type AvailabilityPolicy,
  deskAvailability,
  monthWindow,
  type PlanAvailability,
} from './availability.ts';
import type { Incident } from './model.ts';

/** Incidents opened this long before a month may still affect it (an outage running into the month). */
export const LEAD_IN_DAYS = 90;

export interface CreditReport {
  desk: string;
  month: string;
  computedAt: string;
  /** Where the schedule comes from (the pack's note). */
  policy: string;
  plans: PlanAvailability[];
  /** Accounts seen in the month, on a plan whose target was missed. */
  accountsCredited: number;
}

export interface AccountCredit {
  desk: string;
  month: string;
  account: string;
  plan: string;
  availabilityPercent: number;
  targetPercent: number;
  creditPercent: number;
  computedAt: string;
}

export interface SeenAccount {
  account: string;
  plan: string;
}

export function monthlyCredits(input: {
  desk: string;
  month: string;
  incidents: readonly Incident[];
  policy: AvailabilityPolicy;
  accounts: readonly SeenAccount[];
  now: Date;
}): { report: CreditReport; credits: AccountCredit[] } {
  const { desk, month, policy, now } = input;
  const window = monthWindow(month);
  if (now.getTime() < window.end) throw new Error(`month ${month} has not closed yet`);
  const { plans } = deskAvailability(input.incidents, policy, window, now);
  const computedAt = now.toISOString();
  const byPlan = new Map(plans.map((p) => [p.plan, p]));
  const credits = input.accounts.flatMap((a): AccountCredit[] => {
    const p = byPlan.get(a.plan);
    if (!p || p.creditPercent === 0) return [];
    return [
      {
        desk,
        month,
        account: a.account,
        plan: a.plan,
        availabilityPercent: p.availabilityPercent,
        targetPercent: p.targetPercent,
        creditPercent: p.creditPercent,
        computedAt,
      },
    ];
  });
  return {
    report: {
      desk,
      month,
      computedAt,
      policy: policy.creditsNote ?? policy.source ?? 'the desk policy pack',
      plans,
      accountsCredited: credits.length,
    },
    credits,
  };
}

/** The latest plan each account had on a ticket in the month (tickets oldest first). */
export function accountsFromTickets(
  tickets: ReadonlyArray<{ email: string; plan: string; createdAt: string }>,
): SeenAccount[] {
  const latest = new Map<string, { plan: string; createdAt: string }>();
  for (const t of tickets) {
    const seen = latest.get(t.email);
    if (!seen || t.createdAt >= seen.createdAt) latest.set(t.email, { plan: t.plan, createdAt: t.createdAt });
  }
  return [...latest.entries()]
    .map(([account, { plan }]) => ({ account, plan }))
    .sort((a, b) => a.account.localeCompare(b.account));
}
