import { createHash } from 'node:crypto';
import { isTicketId, ticketIdInSubject } from './addresses.ts';
import type { InboundMail } from './parse.ts';

/**
 * Threading: which ticket a mail continues. Evidence, strongest first:
 *  1. a ticket token in the address it was sent to (`support+<ticket id>@…`, our Reply-To);
 *  2. In-Reply-To, then References (newest first): our own outbound Message-IDs carry the ticket id,
 *     and every other id (the customer's earlier mail, SES's rewritten ids) is looked up in the table;
 *  3. a `[#<ticket id>]` token in the subject.
 * The caller checks each candidate (same desk, sender is the requester) and takes the first that holds.
 */
export type ThreadEvidence =
  | { via: 'reply-address'; ticketId: string }
  | { via: 'in-reply-to' | 'references'; ticketId: string; messageId: string }
  | { via: 'in-reply-to' | 'references'; messageId: string; ticketId?: undefined }
  | { via: 'subject'; ticketId: string };

/** Our outbound Message-IDs: `<t.<ticket id>.<digest>@<domain>>`. */
const OWN_ID_RE = /^<t\.([0-9A-HJKMNP-TV-Z]{26})\.[0-9a-z]+@[^>]+>$/i;

export function ticketIdInMessageId(messageId: string): string | undefined {
  const id = OWN_ID_RE.exec(messageId)?.[1]?.toUpperCase();
  return id && isTicketId(id) ? id : undefined;
}

/** The Message-ID of one outbound mail: stable per outbound id, so a retried send repeats it. */
export function outboundMessageId(ticketId: string, outboundId: string, domain: string): string {
  const digest = createHash('sha256').update(outboundId).digest('hex').slice(0, 16);
  return `<t.${ticketId}.${digest}@${domain}>`;
}

/** Hash of a Message-ID for table keys (ids can be long and hold any printable character). */
export function messageIdKey(messageId: string): string {
  return createHash('sha256').update(messageId.trim()).digest('hex').slice(0, 40);
}

export function threadEvidence(
  mail: Pick<InboundMail, 'inReplyTo' | 'references' | 'subject'>,
  recipientToken: string | undefined,
): ThreadEvidence[] {
  const out: ThreadEvidence[] = [];
  if (recipientToken) out.push({ via: 'reply-address', ticketId: recipientToken });
  const seen = new Set<string>();
  const ids: Array<{ via: 'in-reply-to' | 'references'; id: string }> = [
    ...mail.inReplyTo.map((id) => ({ via: 'in-reply-to' as const, id })),
    ...[...mail.references].reverse().map((id) => ({ via: 'references' as const, id })),
  ];
  for (const { via, id } of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const ticketId = ticketIdInMessageId(id);
    out.push(ticketId ? { via, ticketId, messageId: id } : { via, messageId: id });
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
