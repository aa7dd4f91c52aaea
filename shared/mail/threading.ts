import { createHash } from 'node:crypto';
import { ticketIdInSubject } from './addresses.ts';
import type { InboundMail } from './parse.ts';
import { signThreadToken, type ThreadKeyring, verifyThreadToken } from './thread-token.ts';

/**
 * Threading: which ticket a mail continues. Evidence, strongest first:
 *  1. a signed thread token in the address it was sent to (`support+<token>@…`, our Reply-To);
 *  2. In-Reply-To, then References (newest first): our own outbound Message-IDs carry a signed
 *     token, and every other id (the customer's earlier mail, SES's rewritten ids) is looked up in
 *     the table, which holds only ids we sent and ids of mail from authenticated senders;
 *  3. a `[#<ticket id>]` token in the subject (unsigned: people type it).
 * A token that does not verify (forged, or signed with a retired key) is evidence of nothing.
 * The caller takes evidence only from an authenticated sender, checks each candidate (same desk,
 * sender is the requester) and takes the first that holds.
 */
export type ThreadEvidence =
  | { via: 'reply-address'; ticketId: string }
  | { via: 'in-reply-to' | 'references'; ticketId: string; messageId: string }
  | { via: 'in-reply-to' | 'references'; messageId: string; ticketId?: undefined }
  | { via: 'subject'; ticketId: string };

/** Our outbound Message-IDs: `<t.<ticket id>.<mac>.<digest>@<domain>>`. */
const OWN_ID_RE = /^<t\.([0-9A-Z]{26}\.[0-9a-z]+)\.[0-9a-z]+@[^>]+>$/i;

/** The ticket of one of our own Message-IDs, if its token verifies for this desk. */
export function ticketIdInMessageId(
  keys: ThreadKeyring,
  desk: string,
  messageId: string,
): string | undefined {
  const token = OWN_ID_RE.exec(messageId.trim())?.[1];
  return token ? verifyThreadToken(keys, desk, token) : undefined;
}

/** True when an id has the shape of ours, whether or not it verifies (so it is never looked up as a customer id). */
export function looksLikeOwnMessageId(messageId: string): boolean {
  return OWN_ID_RE.test(messageId.trim());
}

/** The Message-ID of one outbound mail: stable per outbound id, so a retried send repeats it. */
export function outboundMessageId(
  keys: ThreadKeyring,
  desk: string,
  ticketId: string,
  outboundId: string,
  domain: string,
): string {
  const digest = createHash('sha256').update(outboundId).digest('hex').slice(0, 16);
  return `<t.${signThreadToken(keys, desk, ticketId)}.${digest}@${domain}>`;
}

/** Hash of a Message-ID for table keys (ids can be long and hold any printable character). */
export function messageIdKey(messageId: string): string {
  return createHash('sha256').update(messageId.trim()).digest('hex').slice(0, 40);
}

export function threadEvidence(
  mail: Pick<InboundMail, 'inReplyTo' | 'references' | 'subject'>,
  recipientToken: string | undefined,
  keys: ThreadKeyring,
  desk: string,
): ThreadEvidence[] {
  const out: ThreadEvidence[] = [];
  const fromAddress = recipientToken ? verifyThreadToken(keys, desk, recipientToken) : undefined;
  if (fromAddress) out.push({ via: 'reply-address', ticketId: fromAddress });
  const seen = new Set<string>();
  const ids: Array<{ via: 'in-reply-to' | 'references'; id: string }> = [
    ...mail.inReplyTo.map((id) => ({ via: 'in-reply-to' as const, id })),
    ...[...mail.references].reverse().map((id) => ({ via: 'references' as const, id })),
  ];
  for (const { via, id } of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    if (looksLikeOwnMessageId(id)) {
      const ticketId = ticketIdInMessageId(keys, desk, id);
      if (ticketId) out.push({ via, ticketId, messageId: id });
      continue;
    }
    out.push({ via, messageId: id });
  }
  const subjectId = ticketIdInSubject(mail.subject);
  if (subjectId) out.push({ via: 'subject', ticketId: subjectId });
  return out.slice(0, 25);
}

/** References of an outbound mail: the thread's ids, oldest first, capped as mail clients do. */
export function referencesHeader(ids: readonly string[], max = 20): string[] {
  const unique = [...new Set(ids.filter(Boolean))];
  // Keep the root (the customer's first mail) and the most recent ones.
  return unique.length <= max ? unique : [unique[0]!, ...unique.slice(unique.length - (max - 1))];
}
