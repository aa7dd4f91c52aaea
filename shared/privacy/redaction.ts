import { deskForDomain } from '../mail/addresses.ts';
import { deskMailConfig } from '../mail/desk-mail.ts';
import { logger } from '../observability/logger.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { type DetectOptions, type RedactionCounts, redactPii } from './pii-detectors.ts';

/**
 * Redaction of what a customer is shown or sent, where the desk's pack asks for it (`privacy.redaction`):
 * public agent replies before they are stored, customer mail before it is sent. The requester's own
 * address and the desk's addresses stay. Each redaction is logged by kind and count, never the value.
 * Nothing of the original is kept: the policy asks for the data to be gone from what the customer sees,
 * and a copy kept elsewhere would be one more place holding a card number.
 */
export type RedactionSite = 'public-reply' | 'mail';

export function redactionOptions(desk: string, allowedEmails: readonly string[]): DetectOptions | undefined {
  const policy = findPolicyPack(desk)?.privacy?.redaction;
  if (!policy) return undefined;
  const domain = deskMailConfig(desk)?.domain;
  return {
    kinds: policy.kinds,
    nationalIds: policy.nationalIds,
    allowedEmails: allowedEmails.map((e) => e.toLowerCase()),
    allowedEmailDomains: domain ? [domain] : [],
  };
}

/** The text as the customer may see it under the desk's pack (unchanged where the pack redacts nothing). */
export function redactForCustomer(input: {
  desk: string;
  ticketId: string;
  requesterEmail: string;
  text: string;
  site: RedactionSite;
}): string {
  const options = redactionOptions(input.desk, [input.requesterEmail]);
  if (!options) return input.text;
  const { text, counts } = redactPii(input.text, options);
  logRedaction(input, counts);
  return text;
}

function logRedaction(
  where: { desk: string; ticketId: string; site: RedactionSite },
  counts: RedactionCounts,
) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return;
  logger.info('personal data redacted', {
    desk: where.desk,
    ticketId: where.ticketId,
    site: where.site,
    // Kinds and counts as one string: the log redactor would mask a field named like `email-address`.
    redacted: Object.entries(counts)
      .map(([kind, count]) => `${kind}:${count}`)
      .join(' '),
  });
}

/**
 * The hook in the ticket service's reply path: a public message written by staff or an app is stored as
 * the customer may see it; customers' own messages and internal notes are stored as written.
 */
export function redactPublicReply<B extends { body: string; visibility: 'public' | 'internal' }>(
  author: { role: string },
  ticket: { id: string; desk: string; requester: { email: string } },
  body: B,
): B {
  if (author.role === 'customer' || body.visibility !== 'public') return body;
  const text = redactForCustomer({
    desk: ticket.desk,
    ticketId: ticket.id,
    requesterEmail: ticket.requester.email,
    text: body.body,
    site: 'public-reply',
  });
  return text === body.body ? body : { ...body, body: text };
}

/**
 * The hook in mail composition: every mail a redacting desk sends (customer notices, replies, staff alerts)
 * is scanned in its subject, text and HTML; the recipients' own addresses stay. The desk is the one whose
 * domain the mail is sent from.
 */
export function redactOutgoingMail<
  M extends {
    from: { address: string };
    to: string[];
    subject: string;
    text: string;
    html: string;
    ticketId: string;
  },
>(mail: M): M {
  const desk = deskForDomain(mail.from.address)?.desk;
  const options = desk ? redactionOptions(desk, mail.to) : undefined;
  if (!desk || !options) return mail;
  const subject = redactPii(mail.subject, options);
  const text = redactPii(mail.text, options);
  const html = redactPii(mail.html, options);
  logRedaction({ desk, ticketId: mail.ticketId, site: 'mail' }, text.counts);
  return { ...mail, subject: subject.text, text: text.text, html: html.text };
}
