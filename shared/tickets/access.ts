import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { Ticket } from './model.ts';

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
  if (!ticket || !canSeeTicket(principal, ticket)) throw DomainError.notFound(`Ticket ${id}`);
  return ticket;
}

export function canSeeInternalNotes(principal: Principal): boolean {
  return isStaff(principal);
}

export function assertCanUpdateTicket(principal: Principal): void {
  if (!isStaff(principal)) throw DomainError.forbidden('Only support staff can change a ticket.');
}
