import type { Principal, Role } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { LooseningChange } from '../policy/schema.ts';
import type { TicketActivity } from './activity.ts';
import { PRIORITIES, type Priority, type Status, type Ticket } from './model.ts';

/**
 * Staff authority over promises. A change that loosens what the policy promises the customer
 * (a cheaper plan, a lower priority, a lower tier, closing an unanswered P1) needs the role the
 * desk's pack names; without a word in the pack, a lead or manager. Pure: the caller passes the
 * ticket, the patch and the pack's rules.
 */
export type LooseningAuthority = 'lead' | 'agent-with-reason';

/** Roles that may loosen a promise on their own authority. Ops watch the service; they do not decide promises. */
export const PROMISE_AUTHORITY_ROLES: ReadonlySet<Role> = new Set(['lead', 'manager']);

export interface AuthorityRules {
  /** Who may make each loosening change (default: lead). */
  loosening(change: LooseningChange): LooseningAuthority;
  /** A plan's place in the pack's list (least to most entitled); undefined for a plan the pack does not know. */
  planRank(plan: string): number | undefined;
}

export const LEAD_ONLY: AuthorityRules = {
  loosening: () => 'lead',
  planRank: () => undefined,
};

export interface Loosening {
  change: LooseningChange;
  /** JSON pointer of the field in the PATCH body that makes the change. */
  pointer: string;
}

const CLOSING: ReadonlySet<Status> = new Set(['solved', 'closed']);

/** True once a public agent reply has answered the customer. */
export function isAnswered(activity: readonly TicketActivity[]): boolean {
  return activity.some((a) => a.type === 'agent-reply' && a.visibility === 'public');
}

/** The loosening changes in a patch, in field order. */
export function looseningsOf(
  ticket: Ticket,
  patch: {
    plan?: string | undefined;
    priority?: Priority | undefined;
    tier?: number | undefined;
    status?: Status | undefined;
  },
  rules: AuthorityRules,
  answered: boolean,
): Loosening[] {
  const found: Loosening[] = [];
  if (patch.plan !== undefined && patch.plan !== ticket.plan) {
    const from = rules.planRank(ticket.plan);
    const to = rules.planRank(patch.plan);
    // A plan the pack does not rank is treated as a downgrade: no one loosens by accident.
    if (from === undefined || to === undefined || to < from)
      found.push({ change: 'plan-downgrade', pointer: '/plan' });
  }
  if (
    patch.priority !== undefined &&
    PRIORITIES.indexOf(patch.priority) > PRIORITIES.indexOf(ticket.priority)
  ) {
    found.push({ change: 'priority-downgrade', pointer: '/priority' });
  }
  if (patch.tier !== undefined && patch.tier < ticket.tier)
    found.push({ change: 'tier-down', pointer: '/tier' });
  const priority = patch.priority ?? ticket.priority;
  if (
    patch.status !== undefined &&
    CLOSING.has(patch.status) &&
    !CLOSING.has(ticket.status) &&
    (ticket.priority === 'urgent' || priority === 'urgent') &&
    !answered
  ) {
    found.push({ change: 'close-unanswered-urgent', pointer: '/status' });
  }
  return found;
}

const DESCRIBE: Record<LooseningChange, string> = {
  'plan-downgrade': 'Moving a ticket to a lesser plan',
  'priority-downgrade': 'Lowering a priority',
  'tier-down': 'Moving a ticket to a lower tier',
  'close-unanswered-urgent': 'Solving or closing an urgent ticket nobody has answered',
};

/**
 * Refuses (403, naming the field and the role needed) each loosening the caller lacks authority
 * for. An agent may make an `agent-with-reason` change when the patch carries a reason.
 */
export function assertMayLoosen(
  principal: Principal,
  loosenings: readonly Loosening[],
  rules: AuthorityRules,
  reason: string | undefined,
): void {
  if (PROMISE_AUTHORITY_ROLES.has(principal.role)) return;
  const refused = loosenings.filter((l) => {
    const allowed = rules.loosening(l.change);
    return !(allowed === 'agent-with-reason' && principal.role === 'agent' && reason);
  });
  if (refused.length === 0) return;
  throw DomainError.authorityRequired(
    refused.map((l) => {
      const withReason = rules.loosening(l.change) === 'agent-with-reason';
      return {
        pointer: l.pointer,
        detail: `${DESCRIBE[l.change]} (${l.change}) needs a lead or manager${withReason ? ', or an agent stating a reason (/reason)' : ''}`,
        change: l.change,
        requiredRole: withReason ? 'agent-with-reason' : 'lead',
      };
    }),
  );
}
