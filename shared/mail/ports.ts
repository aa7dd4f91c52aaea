import type { OutboundMail } from '../notices/outbound.ts';

export type InboundStatus =
  | 'processing'
  | 'ticket-created'
  | 'reply-added'
  | 'ignored'
  | 'rejected'
  | 'suspended';

/**
 * What became of one inbound email at one desk. Written before anything else (the claim that makes
 * a redelivery a no-op) and completed with the outcome; ignored and rejected mail is recorded with
 * its reason, never silently dropped.
 */
export interface InboundMailRecord {
  desk: string;
  dedupeKey: string;
  status: InboundStatus;
  reason?: string;
  /** Ticket opened or continued, and the message id used (claimed before the write). */
  ticketId?: string;
  messageId?: string;
  /** How the thread was found (`reply-address`, `in-reply-to`, …) or why a new ticket was opened. */
  threading?: string;
  from?: string;
  subject?: string;
  emailMessageId?: string;
  /** Where the raw MIME is (the receipt rule's object). */
  rawObject: { bucket: string; key: string };
  receivedAt: string;
  updatedAt: string;
  refusedAttachments?: Array<{ filename: string; reason: string }>;
}

/**
 * Mail whose From address SES's checks did not prove (no aligned SPF, DKIM or DMARC pass), held for
 * staff: nothing was added to any ticket. Leads release it (to a named ticket, or to a new one, with
 * its original received time) or reject it. The id is the inbound record's dedupe key.
 */
export interface SuspendedMail {
  desk: string;
  id: string;
  status: 'suspended' | 'releasing' | 'released' | 'rejected';
  reason: string;
  from: string;
  /** The address it was sent to (with any plus tag) and the queue address. */
  to: string;
  queueAddress: string;
  subject: string;
  envelopeSender: string;
  emailMessageId?: string;
  /** Reply-To the mail asked for (never followed). */
  replyTo?: string;
  verdicts: { spf: string; dkim: string; dmarc: string };
  /** Domains the checks were about, for staff judging it. */
  fromDomain?: string;
  spfDomain?: string;
  dkimDomains: string[];
  /** The ticket the mail tried to reach (plus address, In-Reply-To, subject tag), unverified. */
  claimedTicket?: { ticketId: string; via: string };
  rawObject: { bucket: string; key: string };
  receivedAt: string;
  /** The release or rejection. */
  decidedBy?: string;
  decidedAt?: string;
  decision?: string;
  ticketId?: string;
  messageId?: string;
}

export interface SuppressedAddress {
  desk: string;
  email: string;
  reason: 'bounce' | 'complaint';
  detail: string;
  at: string;
}

export interface OutboxPointer {
  desk: string;
  ticketId: string;
  touchedAt: string;
  nonce: string;
}

/** Fields to set on an outbound entry; `undefined` removes the field. */
export type OutboundPatch = { [K in keyof Omit<OutboundMail, 'id'>]?: OutboundMail[K] | undefined };

export interface MailStore {
  /** Claims the record (first delivery) or returns the one already there (a redelivery or a retry). */
  claimInbound(
    record: InboundMailRecord,
  ): Promise<{ claimed: true } | { claimed: false; existing: InboundMailRecord }>;
  completeInbound(
    desk: string,
    dedupeKey: string,
    outcome: Pick<InboundMailRecord, 'status'> & Partial<InboundMailRecord>,
  ): Promise<void>;
  listInbound(desk: string, limit: number): Promise<InboundMailRecord[]>;
  /** Remembers which ticket an email Message-ID belongs to (inbound mail, and SES's ids for ours). */
  mapMessageId(desk: string, idHash: string, ticketId: string, at: string): Promise<void>;
  ticketForMessageId(desk: string, idHash: string): Promise<string | undefined>;
  suppress(entry: SuppressedAddress): Promise<void>;
  suppression(desk: string, email: string): Promise<SuppressedAddress | undefined>;
  /** Stores suspended mail once (a redelivery finds it there and changes nothing). */
  putSuspended(mail: SuspendedMail): Promise<void>;
  getSuspended(desk: string, id: string): Promise<SuspendedMail | undefined>;
  listSuspended(desk: string, limit: number): Promise<SuspendedMail[]>;
  /** Moves suspended mail from one status to the next; false if it was no longer in `from`. */
  decideSuspended(
    desk: string,
    id: string,
    from: SuspendedMail['status'],
    patch: Partial<SuspendedMail> & Pick<SuspendedMail, 'status'>,
  ): Promise<boolean>;
  /** Notes that the ticket has mail to send (before the write that queues it); returns the nonce. */
  touchOutbox(desk: string, ticketId: string, at: string): Promise<string>;
  /** Forgets the note unless it was touched again since `nonce` was read. */
  clearOutbox(desk: string, ticketId: string, nonce: string): Promise<void>;
  listOutbox(desk: string, limit: number): Promise<OutboxPointer[]>;
  /** Takes an outbound entry for a send; false if another sender holds it or it is no longer pending. */
  claimOutbound(
    desk: string,
    ticketId: string,
    index: number,
    id: string,
    now: string,
    until: string,
  ): Promise<boolean>;
  /** Records the outcome of a send on the entry (sent, skipped, failed, or a retry with the error). */
  finishOutbound(
    desk: string,
    ticketId: string,
    index: number,
    id: string,
    patch: OutboundPatch,
  ): Promise<void>;
}

/** Binary objects: raw inbound MIME (read), attachments and HTML bodies (written). */
export interface MailObjects {
  /** Size of an object in bytes, or undefined if it does not exist. */
  size(bucket: string, key: string): Promise<number | undefined>;
  get(bucket: string, key: string): Promise<Buffer>;
  put(bucket: string, key: string, body: Buffer | string, contentType: string): Promise<void>;
}
