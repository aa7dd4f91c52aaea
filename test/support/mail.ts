import nodemailer from 'nodemailer';
import type { TestStack } from './local-stack.ts';
import { eventually } from './poll.ts';

/** One mail the local SES endpoint accepted (`GET /_local/outbox`), as the e2e tests read it. */
export interface OutboxMail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

/** What the local SES endpoint sent to `address`, oldest first. */
export async function mailTo(t: TestStack, address: string): Promise<OutboxMail[]> {
  return ((await t.call('GET', '/_local/outbox')).body.items as OutboxMail[]).filter((m) =>
    m.to.includes(address),
  );
}

/** An SMTP client for the stack's listener (mail from `example.com` counts as authenticated locally). */
export function smtpClient(t: TestStack): nodemailer.Transporter {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.mail.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
}

/** Sends `mail` to a desk over SMTP and waits until the desk's agent sees the ticket it opened (matched by subject). */
export async function ticketFromMail(
  t: TestStack,
  smtp: nodemailer.Transporter,
  desk: string,
  mail: nodemailer.SendMailOptions & { subject: string },
): Promise<{ agent: string; id: string }> {
  const agent = await t.token('agent', desk, { sub: `${desk}-agent` });
  await smtp.sendMail(mail);
  const ticket = await eventually(async () => {
    const items = (await t.call('GET', '/tickets?limit=100', { token: agent })).body.items as Array<{
      id: string;
      subject: string;
    }>;
    return items.find((x) => x.subject === mail.subject);
  }, 'the ticket from mail');
  return { agent, id: ticket.id };
}
