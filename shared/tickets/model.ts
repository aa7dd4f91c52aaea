import * as z from 'zod';

/** Lower-case slug: a desk (tenant) id, a plan name, a queue name. */
export const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and dashes');

export const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ULID');

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const CHANNELS = ['email', 'api', 'chat', 'phone'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** `pending` means waiting on the customer; `on-hold` means waiting on a third party. */
export const STATUSES = ['new', 'open', 'pending', 'on-hold', 'solved', 'closed'] as const;
export const Status = z.enum(STATUSES);
/** The statuses the queue works: a ticket in one of them still needs someone. */
export const UNRESOLVED_STATUSES: readonly Status[] = ['new', 'open', 'pending', 'on-hold'];
export type Status = z.infer<typeof Status>;

export const Tier = z.number().int().min(1).max(4);

export const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());

export const Requester = z.strictObject({
  /** Stable id of the person: the identity provider's `sub` for signed-in customers, else derived from email. */
  id: z.string().min(1).max(128),
  email: Email,
  name: z.string().trim().min(1).max(200).optional(),
});
export type Requester = z.infer<typeof Requester>;

export const Ticket = z.strictObject({
  id: Ulid,
  desk: Slug,
  subject: z.string().min(1).max(250),
  requester: Requester,
  priority: Priority,
  /** The requester's stated priority, above what their plan may open; cleared when staff set the priority. */
  requestedPriority: Priority.optional(),
  plan: Slug,
  channel: Channel,
  status: Status,
  tier: Tier,
  /** A staff member's directory id. */
  assignee: z.string().min(1).max(128).nullable(),
  /** The assignee as the directory knew them when assigned: their notice address and public first name. */
  assigneeContact: z.strictObject({ email: Email, displayName: z.string().min(1).max(100) }).optional(),
  tags: z.array(Slug).max(20),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Optimistic-concurrency version; starts at 1 and grows by one on every change. */
  version: z.number().int().min(1),
});
export type Ticket = z.infer<typeof Ticket>;

export const MessageAuthorRole = z.enum(['customer', 'agent', 'system']);
export type MessageAuthorRole = z.infer<typeof MessageAuthorRole>;

export const Visibility = z.enum(['public', 'internal']);
export type Visibility = z.infer<typeof Visibility>;

/** A file that came with a message, kept in the object store (never in the table item). */
export const MessageAttachment = z.strictObject({
  filename: z.string().min(1).max(200),
  contentType: z.string().min(1).max(200),
  size: z.number().int().nonnegative(),
  /** Object key under `attachments/<desk>/<ticket>/<message>/`; absent when the file was refused. */
  key: z.string().min(1).optional(),
  sha256: z.string().optional(),
  /** Why the file was not kept (type, size, count). */
  refused: z.string().optional(),
});
export type MessageAttachment = z.infer<typeof MessageAttachment>;

/** Where a message came from by email, for threading and for showing the original. */
export const MessageEmail = z.strictObject({
  /** The mail's Message-ID header (`<…>`), the key that threads replies to it. */
  messageId: z.string().min(3).max(998).optional(),
  from: z.string().min(3).max(254),
  /**
   * Reply-To of the mail when it differs from From: a *request*, recorded for staff and never
   * followed (mail about the ticket goes to the requester's address).
   */
  replyTo: z.string().min(3).max(254).optional(),
  /** Whether SES's checks proved the From address (aligned SPF, DKIM or DMARC), and how or why not. */
  senderVerified: z.boolean().optional(),
  senderCheck: z.string().max(500).optional(),
  /** Mail released by staff from the suspended list: who released it. */
  releasedBy: z.string().max(128).optional(),
  /** The desk address it was sent to (queue), e.g. billing@techflowsolutions.com. */
  to: z.string().min(3).max(254),
  subject: z.string().max(1000),
  language: z.string().max(8).optional(),
  /** Object key of the sanitised HTML body, when the mail had one. */
  htmlKey: z.string().optional(),
  /** What was trimmed from the text (quoted history, signature) and whether it was cut for length. */
  trimmed: z.array(z.string()).optional(),
  truncated: z.boolean().optional(),
});
export type MessageEmail = z.infer<typeof MessageEmail>;

export const Message = z.strictObject({
  id: Ulid,
  ticketId: Ulid,
  desk: Slug,
  author: z.strictObject({ role: MessageAuthorRole, id: z.string().min(1).max(128) }),
  visibility: Visibility,
  body: z.string(),
  channel: Channel,
  createdAt: z.iso.datetime(),
  attachments: z.array(MessageAttachment).optional(),
  email: MessageEmail.optional(),
});
export type Message = z.infer<typeof Message>;

/**
 * GET /tickets/{id} for staff and apps (shared/tickets/service.ts `TicketWithMessages`): the ticket and
 * the messages the caller may see; for staff also the workflow's SLA state and the ticket's outbound mail,
 * both described field by field in docs/api.md and GET /tickets/{id}/sla.
 */
export const TicketWithMessages = Ticket.extend({
  messages: z.array(Message),
  sla: z.looseObject({}).optional(),
  mail: z
    .array(
      z.looseObject({
        id: z.string(),
        kind: z.string(),
        audience: z.string(),
        status: z.string(),
        queuedAt: z.string(),
      }),
    )
    .optional(),
});
