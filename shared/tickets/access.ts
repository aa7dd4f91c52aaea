import { isStaff, type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { problems } from '../http/problem.ts';
import { PRIORITIES, type Priority, type Ticket } from './model.ts';

/**
 * Who may see and do what. Desk isolation is also structural (keys carry the desk), but every
 * rule lives here so the authorisation matrix has one home. A ticket the caller may not see is
 * reported as not found, so ids cannot be probed.
 */
export function canSeeTicket(principal: Principal, ticket: Ticket): boolean {
  if (principal.desk !== ticket.desk) return false;
  if (principal.role === 'customer') return !!principal.email && principal.email === ticket.requester.email;
  return true;
}

export function assertCanSeeTicket(principal: Principal, ticket: Ticket | undefined, id: string): Ticket {
  if (!ticket || !canSeeTicket(principal, ticket)) throw problems.notFound(`Ticket ${id}`);
  return ticket;
}

export function canSeeInternalNotes(principal: Principal): boolean {
  return isStaff(principal);
}

export function assertCanUpdateTicket(principal: Principal): void {
  if (!isStaff(principal)) throw problems.forbidden('Only support staff can change a ticket.');
}

/** Lowering a priority loosens every SLA target, so it needs a lead or above. */
export function assertCanChangePriority(principal: Principal, from: Priority, to: Priority): void {
  const lowered = PRIORITIES.indexOf(to) > PRIORITIES.indexOf(from);
  if (lowered && !SUPERVISOR_ROLES.has(principal.role)) {
    throw problems.forbidden('Only a lead, manager or ops can lower a priority.');
  }
}
