/**
 * What each role may see and do in the console: the same sets the API authorises with (the token's
 * `role` claim, which the sign-in maps from the user's one Cognito group), so the console never offers
 * a view or an action the API will refuse. test/unit/console/roles.test.ts holds these equal to
 * shared/auth/principal.ts and shared/tickets/authority.ts.
 */

/** Desk staff: the queue, tickets, their SLA and history, incidents (read), replies and ticket changes. */
export const STAFF_ROLES = ['agent', 'lead', 'manager', 'ops'];
/** Supervisors: KPIs and publishing incidents. */
export const SUPERVISOR_ROLES = ['lead', 'manager', 'ops'];
/** Who may loosen a promise (lower a priority, close an unanswered urgent ticket) on their own authority. */
export const PROMISE_AUTHORITY_ROLES = ['lead', 'manager'];

/** The console's views and actions for a role; a role outside the staff sees none. */
export function permissionsOf(role) {
  const staff = STAFF_ROLES.includes(role);
  const supervisor = SUPERVISOR_ROLES.includes(role);
  return {
    views: { queue: staff, tickets: staff, kpis: supervisor, incidents: staff },
    publishIncidents: supervisor,
    reply: staff,
    changeTicket: staff,
    lowerPriority: PROMISE_AUTHORITY_ROLES.includes(role),
  };
}
