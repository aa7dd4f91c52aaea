import * as z from '#shared/validation/zod.ts';
import type { Principal } from '../auth/principal.ts';
import {
  Channel,
  type Message,
  MessageAuthorRole,
  Priority,
  Requester,
  Slug,
  Status,
  type Ticket,
  Ulid,
} from './model.ts';

/**
 * What a customer sees of a ticket: its state and the public conversation, never how the desk
 * works it. No tier, no tags (routing and internal), no staff ids: whether someone is on it
 * (`assigned`) and the first name the agent shows customers (`agent`). The one projection every
 * customer-facing route uses.
 */
export const CustomerTicketView = z.strictObject({
  id: Ulid,
  desk: Slug,
  subject: z.string(),
  requester: Requester,
  priority: Priority,
  /** The priority they asked for, when above their plan's; triage decides. */
  requestedPriority: z.optional(Priority),
  plan: Slug,
  channel: Channel,
  status: Status,
  assigned: z.boolean(),
  agent: z.optional(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().check(z.int(), z.minimum(1)),
});
export type CustomerTicketView = z.infer<typeof CustomerTicketView>;

export const CustomerMessageView = z.strictObject({
  id: Ulid,
  ticketId: Ulid,
  author: z.strictObject({ role: MessageAuthorRole, name: z.optional(z.string()) }),
  body: z.string(),
  channel: Channel,
  createdAt: z.iso.datetime(),
  attachments: z.optional(
    z.array(
      z.strictObject({
        filename: z.string(),
        contentType: z.string(),
        size: z.number().check(z.int(), z.nonnegative()),
        refused: z.optional(z.string()),
      }),
    ),
  ),
  email: z.optional(z.strictObject({ from: z.string(), subject: z.string() })),
});
export type CustomerMessageView = z.infer<typeof CustomerMessageView>;

export function customerTicketView(ticket: Ticket): CustomerTicketView {
  return {
    id: ticket.id,
    desk: ticket.desk,
    subject: ticket.subject,
    requester: ticket.requester,
    priority: ticket.priority,
    ...(ticket.requestedPriority ? { requestedPriority: ticket.requestedPriority } : {}),
    plan: ticket.plan,
    channel: ticket.channel,
    status: ticket.status,
    assigned: ticket.assignee !== null,
    ...(ticket.assignee && ticket.assigneeContact ? { agent: ticket.assigneeContact.displayName } : {}),
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    version: ticket.version,
  };
}

/** A public message as its customer sees it: the author's role (and agent's public name), no staff ids or storage keys. */
export function customerMessageView(message: Message, agentName?: string): CustomerMessageView {
  return {
    id: message.id,
    ticketId: message.ticketId,
    author: {
      role: message.author.role,
      ...(message.author.role === 'agent' && agentName ? { name: agentName } : {}),
    },
    body: message.body,
    channel: message.channel,
    createdAt: message.createdAt,
    ...(message.attachments
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            size: a.size,
            ...(a.refused ? { refused: a.refused } : {}),
          })),
        }
      : {}),
    ...(message.email ? { email: { from: message.email.from, subject: message.email.subject } } : {}),
  };
}

/** Customers get the customer view; staff and apps (desk callers) the whole ticket. */
export function ticketFor(principal: Principal, ticket: Ticket): Ticket | CustomerTicketView {
  return principal.role === 'customer' ? customerTicketView(ticket) : ticket;
}
