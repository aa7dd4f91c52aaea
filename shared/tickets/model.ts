import * as z from '#shared/validation/zod.ts';

/** Lower-case slug: a desk (tenant) id, a plan name, a queue name. */
export const Slug = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and dashes'));

export const Ulid = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ULID'));

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

export const Tier = z.number().check(z.int(), z.minimum(1), z.maximum(4));

export const Email = z.pipe(
  z.email().check(z.maxLength(254)),
  z.transform((e) => e.toLowerCase()),
);

export const Requester = z.strictObject({
  /** Stable id of the person: the identity provider's `sub` for signed-in customers, else derived from email. */
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  email: Email,
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
});
export type Requester = z.infer<typeof Requester>;

export const Ticket = z.strictObject({
  id: Ulid,
  desk: Slug,
  subject: z.string().check(z.minLength(1), z.maxLength(250)),
  requester: Requester,
  priority: Priority,
  /** The requester's stated priority, above what their plan may open; cleared when staff set the priority. */
  requestedPriority: z.optional(Priority),
  plan: Slug,
  channel: Channel,
  status: Status,
  tier: Tier,
  /** A staff member's directory id. */
  assignee: z.nullable(z.string().check(z.minLength(1), z.maxLength(128))),
  /** The assignee as the directory knew them when assigned: their notice address and public first name. */
  assigneeContact: z.optional(
    z.strictObject({ email: Email, displayName: z.string().check(z.minLength(1), z.maxLength(100)) }),
  ),
  tags: z.array(Slug).check(z.maxLength(20)),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Optimistic-concurrency version; starts at 1 and grows by one on every change. */
  version: z.number().check(z.int(), z.minimum(1)),
});
export type Ticket = z.infer<typeof Ticket>;

export const MessageAuthorRole = z.enum(['customer', 'agent', 'system']);
export type MessageAuthorRole = z.infer<typeof MessageAuthorRole>;

export const Visibility = z.enum(['public', 'internal']);
export type Visibility = z.infer<typeof Visibility>;

/** A file that came with a message, kept in the object store (never in the table item). */
export const MessageAttachment = z.strictObject({
  filename: z.string().check(z.minLength(1), z.maxLength(200)),
  contentType: z.string().check(z.minLength(1), z.maxLength(200)),
  size: z.number().check(z.int(), z.nonnegative()),
  /** Object key under `attachments/<desk>/<ticket>/<message>/`; absent when the file was refused. */
  key: z.optional(z.string().check(z.minLength(1))),
  sha256: z.optional(z.string()),
  /** Why the file was not kept (type, size, count). */
  refused: z.optional(z.string()),
});
export type MessageAttachment = z.infer<typeof MessageAttachment>;

/** Where a message came from by email, for threading and for showing the original. */
export const MessageEmail = z.strictObject({
  /** The mail's Message-ID header (`<…>`), the key that threads replies to it. */
  messageId: z.optional(z.string().check(z.minLength(3), z.maxLength(998))),
  from: z.string().check(z.minLength(3), z.maxLength(254)),
  /**
   * Reply-To of the mail when it differs from From: a *request*, recorded for staff and never
   * followed (mail about the ticket goes to the requester's address).
   */
  replyTo: z.optional(z.string().check(z.minLength(3), z.maxLength(254))),
  /** Whether SES's checks proved the From address (aligned SPF, DKIM or DMARC), and how or why not. */
  senderVerified: z.optional(z.boolean()),
  senderCheck: z.optional(z.string().check(z.maxLength(500))),
  /** Mail released by staff from the suspended list: who released it. */
  releasedBy: z.optional(z.string().check(z.maxLength(128))),
  /** The desk address it was sent to (queue), e.g. billing@techflowsolutions.com. */
  to: z.string().check(z.minLength(3), z.maxLength(254)),
  subject: z.string().check(z.maxLength(1000)),
  language: z.optional(z.string().check(z.maxLength(8))),
  /** Object key of the sanitised HTML body, when the mail had one. */
  htmlKey: z.optional(z.string()),
  /** What was trimmed from the text (quoted history, signature) and whether it was cut for length. */
  trimmed: z.optional(z.array(z.string())),
  truncated: z.optional(z.boolean()),
});
export type MessageEmail = z.infer<typeof MessageEmail>;

export const Message = z.strictObject({
  id: Ulid,
  ticketId: Ulid,
  desk: Slug,
  author: z.strictObject({ role: MessageAuthorRole, id: z.string().check(z.minLength(1), z.maxLength(128)) }),
  visibility: Visibility,
  body: z.string(),
  channel: Channel,
  createdAt: z.iso.datetime(),
  attachments: z.optional(z.array(MessageAttachment)),
  email: z.optional(MessageEmail),
});
export type Message = z.infer<typeof Message>;

/**
 * GET /tickets/{id} for staff and apps (shared/tickets/service.ts `TicketWithMessages`): the ticket and
 * the messages the caller may see; for staff also the workflow's SLA state and the ticket's outbound mail,
 * both described field by field in docs/api.md and GET /tickets/{id}/sla.
 */
export const TicketWithMessages = z.extend(Ticket, {
  messages: z.array(Message),
  sla: z.optional(z.looseObject({})),
  mail: z.optional(
    z.array(
      z.looseObject({
        id: z.string(),
        kind: z.string(),
        audience: z.string(),
        status: z.string(),
        queuedAt: z.string(),
      }),
    ),
  ),
});
