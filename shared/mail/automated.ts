import { isOwnAddress } from './addresses.ts';

/**
 * Loop and bulk-mail detection. Answering an auto-reply with an acknowledgement (which is itself an
 * automatic message) is how two helpdesks mail each other forever, so anything that says or shows
 * it was sent by a machine is recorded and ignored, never turned into a ticket.
 */
export interface AutomatedMailInput {
  /** Header values by lower-case name (the first occurrence). */
  headers: ReadonlyMap<string, string>;
  from: string | undefined;
  /** The SMTP envelope sender (MAIL FROM); empty for bounces and RFC 3834 responses. */
  envelopeSender: string | undefined;
  contentType: string | undefined;
}

export type AutomatedVerdict = { automated: false } | { automated: true; reason: string };

const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply', 'auto-reply']);
const MACHINE_SENDERS = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|auto-?reply)(\+|@|$)/i;

export function detectAutomatedMail(input: AutomatedMailInput): AutomatedVerdict {
  const h = (name: string) => input.headers.get(name)?.trim();
  const auto = (reason: string): AutomatedVerdict => ({ automated: true, reason });

  // RFC 3834 §5: anything but "no" marks an automatic message (auto-replied, auto-generated, auto-notified).
  const autoSubmitted = h('auto-submitted');
  if (autoSubmitted && autoSubmitted.split(';')[0]!.trim().toLowerCase() !== 'no') {
    return auto(`Auto-Submitted: ${autoSubmitted}`);
  }
  if (h('x-autoreply') !== undefined) return auto('X-Autoreply header (an auto-reply)');
  if (h('x-autorespond') !== undefined) return auto('X-Autorespond header (an auto-reply)');
  const precedence = h('precedence')?.toLowerCase();
  if (precedence && BULK_PRECEDENCE.has(precedence)) return auto(`Precedence: ${precedence}`);
  // Exchange marks its out-of-office replies with this.
  const autoResponse = h('x-auto-response-suppress');
  if (
    autoResponse &&
    /\b(oof|autoreply|all)\b/i.test(autoResponse) &&
    /^(auto|out of office)/i.test(h('subject') ?? '')
  ) {
    return auto('Out-of-office reply (X-Auto-Response-Suppress with an automatic subject)');
  }
  if (h('list-id') !== undefined) return auto(`mailing-list message (List-Id: ${h('list-id')})`);
  if (h('list-unsubscribe') !== undefined) return auto('bulk message (List-Unsubscribe)');
  if (h('feedback-id') !== undefined && h('x-ses-outgoing') !== undefined)
    return auto('bulk message sent through SES');
  if (/^multipart\/report/i.test(input.contentType ?? ''))
    return auto('delivery or read report (multipart/report)');
  if (input.envelopeSender !== undefined && /^<?>?$/.test(input.envelopeSender.trim())) {
    return auto('null envelope sender (a bounce or automatic response)');
  }
  const from = input.from?.toLowerCase();
  if (!from) return { automated: false };
  if (MACHINE_SENDERS.test(from)) return auto(`machine sender ${from}`);
  if (isOwnAddress(from)) return auto(`mail from our own address ${from} (a loop)`);
  if (h('x-tierdesk-ticket') !== undefined) return auto('carries our own X-Tierdesk-Ticket header (a loop)');
  return { automated: false };
}
