import { subjectWithToken } from '../mail/addresses.ts';
import { deskMailConfig, deskSupportAddress } from '../mail/desk-mail.ts';
import { composeMail } from '../notices/compose.ts';
import type { MailSender } from '../notices/sender.ts';
import type { Consent } from './consent.ts';
import { escapeHtml } from './consent-page.ts';
import type { PrivateDataClass } from './pack-schema.ts';
import type { ConsentMailer, ConsentTicket } from './ports.ts';

const CLASS_WORDS: Record<PrivateDataClass, string> = {
  attachments: 'the files you attached',
  'diagnostic-logs': 'the logs you uploaded',
  'call-recordings': 'recordings of your calls',
  'screen-sharing': 'a screen-sharing session with you',
};

/** The request text: what the agent wants to open and why, how long a grant lasts, and the two links. */
export function consentRequestText(input: {
  deskName: string;
  ticket: ConsentTicket;
  consent: Consent;
  grantHours: number;
  grantUrl: string;
  refuseUrl: string;
}) {
  const wants = input.consent.scope.map((c) => CLASS_WORDS[c]);
  const lines = [
    `Hello${input.ticket.requester.name ? ` ${input.ticket.requester.name}` : ''},`,
    `To troubleshoot your request "${input.ticket.subject}", our support team asks for your permission to open: ${wants.join(', ')}.`,
    `Why: ${input.consent.reason}`,
    `Nobody opens them without your answer. If you agree, the permission lasts ${input.grantHours} hours and you can withdraw it at any time; every opening is recorded.`,
    `Agree: ${input.grantUrl}`,
    `Refuse: ${input.refuseUrl}`,
    `These links work until ${input.consent.answerBy}.`,
    input.deskName,
  ];
  const html = lines
    .map((l) =>
      l.startsWith('Agree: ') || l.startsWith('Refuse: ')
        ? `<p><a href="${escapeHtml(l.slice(l.indexOf(' ') + 1))}">${escapeHtml(l.slice(0, l.indexOf(':')))}</a></p>`
        : `<p>${escapeHtml(l)}</p>`,
    )
    .join('\n');
  return {
    subject: `Your permission is requested: ${input.ticket.subject}`,
    text: `${lines.join('\n\n')}\n`,
    html: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px">\n${html}\n</body></html>\n`,
  };
}

/** Sends the request through SES (the same sender and MIME builder as every notice), to the requester only. */
export function sesConsentMailer(deps: {
  sender: MailSender;
  deskName(desk: string): string;
  grantHours(desk: string): number;
}): ConsentMailer {
  return {
    async sendRequest({ ticket, consent, grantUrl, refuseUrl, now }) {
      const config = deskMailConfig(ticket.desk);
      if (!config) throw new Error(`desk ${ticket.desk} has no mail configuration`);
      const from = deskSupportAddress(config);
      const rendered = consentRequestText({
        deskName: deps.deskName(ticket.desk),
        ticket,
        consent,
        grantHours: deps.grantHours(ticket.desk),
        grantUrl,
        refuseUrl,
      });
      const raw = await composeMail({
        from: { name: config.queues[0]?.displayName ?? deps.deskName(ticket.desk), address: from },
        to: [ticket.requester.email],
        replyTo: from,
        subject: subjectWithToken(rendered.subject, ticket.id),
        text: rendered.text,
        html: rendered.html,
        messageId: `<consent-${consent.id}@${config.domain}>`,
        actionId: `consent:${consent.id}`,
        inReplyTo: undefined,
        references: [],
        date: now,
        language: 'en',
        autoSubmitted: 'auto-generated',
        ticketId: ticket.id,
      });
      await deps.sender.send({ from, to: [ticket.requester.email], raw });
    },
  };
}
