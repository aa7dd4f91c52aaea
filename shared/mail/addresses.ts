import { DESK_MAIL, type DeskMailConfig, type DeskQueue } from './desk-mail.ts';

/** A ticket id (ULID, Crockford base32) as it appears in a plus address or a subject token. */
const TICKET_ID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** A plus tag that claims to be a thread token (a bare ticket id, or one with a mac): checked by the intake. */
const THREAD_TAG_RE = /^[0-9A-HJKMNP-TV-Z]{26}(\.[0-9a-z]+)?$/i;

export interface ParsedAddress {
  localPart: string;
  /** The part after `+`, if any (`support+01J…@` → `01J…`). */
  tag: string | undefined;
  domain: string;
}

/** Splits `Local+tag@Domain` (domain lower-cased; local part kept, compared case-insensitively). */
export function parseAddress(address: string): ParsedAddress | undefined {
  const at = address.trim().lastIndexOf('@');
  if (at <= 0 || at === address.trim().length - 1) return undefined;
  const trimmed = address.trim();
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  const plus = local.indexOf('+');
  return plus < 0
    ? { localPart: local.toLowerCase(), tag: undefined, domain }
    : { localPart: local.slice(0, plus).toLowerCase(), tag: local.slice(plus + 1), domain };
}

export interface RecipientRoute {
  desk: string;
  queue: DeskQueue;
  /** The address as the desk knows it (no plus tag), e.g. billing@techflowsolutions.com. */
  address: string;
  /** The thread token in the plus tag (`<ticket id>.<mac>`), when the tag looks like one; unverified. */
  ticketToken: string | undefined;
}

/** Which desk and queue an address belongs to; undefined for an address no desk receives. */
export function routeRecipient(
  address: string,
  desks: readonly DeskMailConfig[] = DESK_MAIL,
): RecipientRoute | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return undefined;
  const desk = desks.find((d) => d.domain === parsed.domain);
  const queue = desk?.queues.find((q) => q.localPart === parsed.localPart);
  if (!desk || !queue) return undefined;
  const token = parsed.tag && THREAD_TAG_RE.test(parsed.tag) ? parsed.tag : undefined;
  return {
    desk: desk.desk,
    queue,
    address: `${queue.localPart}@${desk.domain}`,
    ticketToken: token,
  };
}

/** The desk whose domain an address is at (any local part), for grouping SES recipients by rule. */
export function deskForDomain(address: string, desks: readonly DeskMailConfig[] = DESK_MAIL) {
  const parsed = parseAddress(address);
  return parsed ? desks.find((d) => d.domain === parsed.domain) : undefined;
}

/** True for addresses at any desk's domain: mail from them is our own and is never a new ticket. */
export function isOwnAddress(address: string, desks: readonly DeskMailConfig[] = DESK_MAIL): boolean {
  return deskForDomain(address, desks) !== undefined;
}

/** The reply address that threads a customer's answer onto its ticket: `support+<signed thread token>@domain`. */
export function replyAddressFor(queueAddress: string, threadToken: string): string {
  const parsed = parseAddress(queueAddress);
  if (!parsed) throw new Error(`not an address: ${queueAddress}`);
  return `${parsed.localPart}+${threadToken}@${parsed.domain}`;
}

/** `[#01J…]` anywhere in a subject. */
const SUBJECT_TOKEN_RE = /\[#([0-9A-HJKMNP-TV-Z]{26})\]/i;

export function ticketIdInSubject(subject: string): string | undefined {
  const m = SUBJECT_TOKEN_RE.exec(subject);
  return m?.[1]?.toUpperCase();
}

/** The subject of mail about a ticket: `<subject> [#<id>]` (kept once, however often it is replied to). */
export function subjectWithToken(subject: string, ticketId: string): string {
  const clean = subject
    .replace(/\s*\[#[0-9A-HJKMNP-TV-Z]{26}\]\s*/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${clean} [#${ticketId}]`.trim();
}

export function isTicketId(value: string): boolean {
  return TICKET_ID_RE.test(value);
}
