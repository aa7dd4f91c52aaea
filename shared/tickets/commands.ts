import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { assertCanUpdateTicket } from './access.ts';
import type { TicketActivity } from './activity.ts';
import { type AuthorityRules, assertMayLoosen, looseningsOf } from './authority.ts';
import { assertCustomerTags, type EntitlementRules, entitledPriority } from './entitlement.ts';
import {
  Channel,
  Email,
  type Message,
  Priority,
  Slug,
  Status,
  type Status as StatusT,
  type Ticket,
  Tier,
  Visibility,
} from './model.ts';

/** Longest message body accepted, in characters. Bodies above the inline limit go to the object store. */
export const MAX_MESSAGE_CHARS = 64 * 1024;

export const CreateTicketBody = z.strictObject({
  subject: z.string().check(z.trim(), z.minLength(1), z.maxLength(250)),
  description: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_MESSAGE_CHARS)),
  priority: z.optional(Priority),
  plan: z.optional(Slug),
  channel: z.optional(Channel),
  requester: z.optional(
    z.strictObject({
      email: Email,
      name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    }),
  ),
  tags: z.optional(z.array(Slug).check(z.maxLength(20))),
});
export type CreateTicketBody = z.infer<typeof CreateTicketBody>;

export const AddMessageBody = z.strictObject({
  body: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_MESSAGE_CHARS)),
  visibility: z._default(Visibility, 'public'),
  /** Staff only: time spent on this update (time tracking; average handle time is computed from it). */
  timeSpentSeconds: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(86_400))),
});
export type AddMessageBody = z.infer<typeof AddMessageBody>;

export const UpdateTicketBody = z
  .strictObject({
    status: z.optional(Status),
    priority: z.optional(Priority),
    plan: z.optional(Slug),
    tier: z.optional(Tier),
    /** A staff member of the desk (directory id), or null to unassign. */
    assignee: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(128)))),
    /** Why a promise is loosened; lets an agent make a change the pack allows agents with a reason. */
    reason: z.optional(z.string().check(z.trim(), z.minLength(3), z.maxLength(500))),
  })
  .check(
    z.refine((patch) => Object.keys(patch).some((k) => k !== 'reason'), {
      message: 'Send at least one field to change.',
    }),
  );
export type UpdateTicketBody = z.infer<typeof UpdateTicketBody>;

export interface DeskDefaults {
  plan: string;
  priority: z.infer<typeof Priority>;
  /** The plans the desk's policy knows; a ticket on any other plan is refused. */
  plans?: readonly string[];
  /** A priority for a ticket that states none, from its text (the pack's intake rules). */
  priorityFor?: (text: string) => z.infer<typeof Priority> | undefined;
  /** Who may loosen a promise (the pack's staff authority). */
  authority: AuthorityRules;
  /** What a customer's plan may open directly, and the tags customers may set. */
  entitlement: EntitlementRules;
}

function assertKnownPlan(plan: string, defaults: DeskDefaults): void {
  if (defaults.plans && !defaults.plans.includes(plan)) {
    throw DomainError.validation([
      { pointer: '/plan', detail: `not a plan of this desk (${defaults.plans.join(', ')})` },
    ]);
  }
}

export interface TicketChange {
  ticket: Ticket;
  activity: TicketActivity[];
}

export function openTicket(input: {
  principal: Principal;
  body: CreateTicketBody;
  id: string;
  now: Date;
  defaults: DeskDefaults;
}): TicketChange & { message: Message } {
  const { principal, body, id, now, defaults } = input;
  const at = now.toISOString();
  const requester = requesterFor(principal, body);
  const onBehalf = principal.role !== 'customer';
  if (!onBehalf && (body.plan || body.channel)) {
    throw DomainError.validation(
      [
        body.plan ? { pointer: '/plan', detail: 'set from your account' } : null,
        body.channel ? { pointer: '/channel', detail: 'set by the system' } : null,
      ].filter((e) => e !== null),
    );
  }
  if (body.plan) assertKnownPlan(body.plan, defaults);
  if (principal.role === 'customer' && body.tags) assertCustomerTags(body.tags, defaults.entitlement);
  const plan = body.plan ?? (onBehalf ? defaults.plan : customerPlan(principal.plan, defaults));
  const stated =
    body.priority ?? defaults.priorityFor?.(`${body.subject}\n${body.description}`) ?? defaults.priority;
  // Staff set a priority on their own authority; anyone else's (customer, app, mail keywords) is a request.
  const { priority, requestedPriority } = isStaff(principal)
    ? { priority: stated, requestedPriority: undefined }
    : entitledPriority(stated, plan, defaults.entitlement);
  const ticket: Ticket = {
    id,
    desk: principal.desk,
    subject: body.subject,
    requester,
    priority,
    ...(requestedPriority ? { requestedPriority } : {}),
    plan,
    channel: body.channel ?? 'api',
    status: 'new',
    tier: 1,
    assignee: null,
    tags: body.tags ?? [],
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const message: Message = {
    id,
    ticketId: id,
    desk: ticket.desk,
    author: { role: 'customer', id: requester.id },
    visibility: 'public',
    body: body.description,
    channel: ticket.channel,
    createdAt: at,
  };
  const created: TicketActivity = {
    at,
    by: principal.id,
    type: 'ticket-created',
    priority: ticket.priority,
    ...(requestedPriority ? { requestedPriority } : {}),
    plan: ticket.plan,
    channel: ticket.channel,
    status: ticket.status,
  };
  return { ticket, message, activity: [created] };
}

/** A customer's plan comes from their account (token); one the desk does not know falls back to the default. */
function customerPlan(plan: string | undefined, defaults: DeskDefaults): string {
  return plan && (!defaults.plans || defaults.plans.includes(plan)) ? plan : defaults.plan;
}

function requesterFor(principal: Principal, body: CreateTicketBody): Ticket['requester'] {
  if (principal.role === 'customer') {
    if (body.requester)
      throw DomainError.validation([{ pointer: '/requester', detail: 'set from your sign-in' }]);
    if (!principal.email) throw DomainError.forbidden('Your token carries no email address.');
    return { id: principal.id, email: principal.email, ...(principal.name ? { name: principal.name } : {}) };
  }
  if (!body.requester) {
    throw DomainError.validation([
      { pointer: '/requester', detail: 'required when opening a ticket for someone' },
    ]);
  }
  return { id: `email:${body.requester.email}`, ...body.requester };
}

/**
 * A reply or internal note. Customers (and apps, on the requester's behalf) write public
 * messages; staff write public replies or internal notes.
 */
export function addMessage(input: {
  principal: Principal;
  ticket: Ticket;
  body: AddMessageBody;
  messageId: string;
  now: Date;
}): TicketChange & { message: Message } {
  const { principal, ticket, body, messageId, now } = input;
  const at = now.toISOString();
  if (ticket.status === 'closed') {
    throw DomainError.conflict('ticket-closed', 'This ticket is closed; open a new ticket to follow up.');
  }
  const fromStaff = isStaff(principal);
  if (!fromStaff && body.visibility === 'internal') {
    throw DomainError.validation([
      { pointer: '/visibility', detail: 'only support staff can write internal notes' },
    ]);
  }
  if (!fromStaff && body.timeSpentSeconds !== undefined) {
    throw DomainError.validation([
      { pointer: '/timeSpentSeconds', detail: 'recorded by support staff only' },
    ]);
  }
  const message: Message = {
    id: messageId,
    ticketId: ticket.id,
    desk: ticket.desk,
    author: fromStaff
      ? { role: 'agent', id: principal.id }
      : { role: 'customer', id: principal.role === 'customer' ? principal.id : ticket.requester.id },
    visibility: body.visibility,
    body: body.body,
    channel: principal.role === 'customer' ? 'api' : ticket.channel,
    createdAt: at,
  };
  const activity: TicketActivity[] = [
    fromStaff
      ? {
          at,
          by: principal.id,
          type: 'agent-reply',
          visibility: body.visibility,
          messageId,
          ...(body.timeSpentSeconds ? { timeSpentSeconds: body.timeSpentSeconds } : {}),
        }
      : { at, by: principal.id, type: 'customer-message', messageId },
  ];
  const status = statusAfterMessage(ticket.status, fromStaff, body.visibility);
  if (status !== ticket.status)
    activity.push({ at, by: principal.id, type: 'status-changed', from: ticket.status, to: status });
  return { ticket: { ...ticket, status, updatedAt: at, version: ticket.version + 1 }, message, activity };
}

/** A customer writing back reopens the ticket; a first public agent reply moves it from new to open. */
function statusAfterMessage(status: StatusT, fromStaff: boolean, visibility: 'public' | 'internal'): StatusT {
  if (!fromStaff) return status === 'new' ? 'new' : 'open';
  return visibility === 'public' && status === 'new' ? 'open' : status;
}

export function updateTicket(input: {
  principal: Principal;
  ticket: Ticket;
  patch: UpdateTicketBody;
  now: Date;
  defaults: DeskDefaults;
  /** Has a public agent reply answered the customer? (Closing an unanswered P1 needs authority.) */
  answered: boolean;
}): TicketChange {
  const { principal, ticket, patch, now, defaults } = input;
  if (patch.plan !== undefined) assertKnownPlan(patch.plan, defaults);
  assertCanUpdateTicket(principal);
  if (ticket.status === 'closed') {
    throw DomainError.conflict(
      'ticket-closed',
      'A closed ticket cannot change; open a new ticket to follow up.',
    );
  }
  const loosenings = looseningsOf(ticket, patch, defaults.authority, input.answered);
  assertMayLoosen(principal, loosenings, defaults.authority, patch.reason);
  const at = now.toISOString();
  const by = principal.id;
  // The reason is recorded on the changes that needed it, for the audit trail.
  const why = (pointer: string) =>
    patch.reason && loosenings.some((l) => l.pointer === pointer) ? { reason: patch.reason } : {};
  const activity: TicketActivity[] = [];
  const next: Ticket = { ...ticket };
  if (patch.priority !== undefined && patch.priority !== ticket.priority) {
    activity.push({
      at,
      by,
      type: 'priority-changed',
      from: ticket.priority,
      to: patch.priority,
      ...why('/priority'),
    });
    next.priority = patch.priority;
    // A staff member has triaged the priority: the customer's request is answered.
    delete next.requestedPriority;
  }
  if (patch.plan !== undefined && patch.plan !== ticket.plan) {
    activity.push({ at, by, type: 'plan-changed', from: ticket.plan, to: patch.plan, ...why('/plan') });
    next.plan = patch.plan;
  }
  if (patch.tier !== undefined && patch.tier !== ticket.tier) {
    activity.push({ at, by, type: 'tier-changed', from: ticket.tier, to: patch.tier, ...why('/tier') });
    next.tier = patch.tier;
  }
  if (patch.assignee !== undefined && patch.assignee !== ticket.assignee) {
    activity.push({ at, by, type: 'assignee-changed', from: ticket.assignee, to: patch.assignee });
    next.assignee = patch.assignee;
  }
  if (patch.status !== undefined && patch.status !== ticket.status) {
    activity.push({
      at,
      by,
      type: 'status-changed',
      from: ticket.status,
      to: patch.status,
      ...why('/status'),
    });
    next.status = patch.status;
  }
  if (activity.length === 0) return { ticket, activity };
  return { ticket: { ...next, updatedAt: at, version: ticket.version + 1 }, activity };
}
