import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { redactOutgoingMail } from '../privacy/redaction.ts';

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string[];
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  /** Ours; SES replaces it on the wire (see docs/email.md), so threading never depends on it alone. */
  messageId: string;
  /** The outbound entry's id (`notify:…`, `reply:…`): a resend after a crash carries the same one. */
  actionId: string;
  inReplyTo: string | undefined;
  references: string[];
  date: Date;
  language: string;
  /** RFC 3834: `auto-replied` / `auto-generated` for notices; absent for a person's reply. */
  autoSubmitted: 'auto-replied' | 'auto-generated' | undefined;
  ticketId: string;
}

/**
 * Raw MIME for SendRawEmail: multipart/alternative with the plain text first (always present) and
 * the HTML second; Message-ID, In-Reply-To and References set so mail clients thread it; no
 * List-Unsubscribe (these are transactional messages about the recipient's own request).
 */
export function composeMail(mail: OutgoingMail): Promise<Buffer> {
  // Personal data and secrets are redacted where the desk's pack asks for it (shared/privacy/redaction.ts).
  mail = redactOutgoingMail(mail);
  const headers: Record<string, string> = {
    'Content-Language': mail.language,
    'X-Tierdesk-Ticket': mail.ticketId,
    // SES replaces our Message-ID; this header survives, so a duplicate is recognisable as one.
    'X-Tierdesk-Action-Id': mail.actionId,
    // Ask Exchange and others not to answer with out-of-office replies.
    'X-Auto-Response-Suppress': 'All',
  };
  if (mail.autoSubmitted) headers['Auto-Submitted'] = mail.autoSubmitted;
  const composer = new MailComposer({
    from: { name: mail.from.name, address: mail.from.address },
    to: mail.to,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references.length ? { references: mail.references } : {}),
    date: mail.date,
    headers,
    textEncoding: 'quoted-printable',
  });
  return new Promise((ok, fail) => {
    composer.compile().build((error, message) => (error ? fail(error) : ok(message)));
  });
}
