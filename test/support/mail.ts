import nodemailer from 'nodemailer';
import type { TestStack } from './local-stack.ts';

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
