import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/**
 * The SMTP listener (local SES receiving) over real SMTP: when processing fails after Lambda's
 * retries it answers with a temporary failure, so the sender keeps the mail and sends it again.
 */
let t: TestStack;
let agent: string;
let smtp: nodemailer.Transporter;

beforeAll(async () => {
  t = await startTestStack();
  await t.call('POST', '/_local/clock', { json: { set: '2031-03-03T15:00:00Z' } });
  agent = await t.token('agent', 'techflow');
  smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.mail.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
});
afterAll(async () => {
  smtp?.close();
  await t.stop();
});

describe('SMTP listener when processing fails', () => {
  const mail = {
    from: 'Robin Example <robin@example.com>',
    to: 'support@techflowsolutions.com',
    subject: 'Listener fault test',
    messageId: '<robin-listener-fault@mail.example.com>',
    text: 'Our dashboard shows no data since this morning.',
  };
  const tickets = async () =>
    (
      (await t.call('GET', '/tickets?limit=100', { token: agent })).body.items as Array<Record<string, any>>
    ).filter((x) => x.subject === mail.subject);

  it('answers 451 4.3.0 when the inbound function fails three times, then processes the resend exactly once', async () => {
    // Lambda's two async retries after the first failure: three failures in a row.
    const armed = await t.call('POST', '/_local/faults', {
      json: { lambda: 'tierdesk-receive-email', count: 3 },
    });
    expect(armed.status).toBe(200);
    const refused = await smtp.sendMail(mail).then(
      () => undefined,
      (error: { responseCode?: number; response?: string }) => error,
    );
    expect(refused?.responseCode).toBe(451);
    expect(refused?.response).toMatch(/^451 4\.3\.0 /);
    expect(refused?.response).not.toMatch(/Injected/); // the reason stays in our log
    expect(await tickets()).toEqual([]);

    // The fault has cleared; the sender tries again (twice, as a sender might after a lost answer).
    expect((await smtp.sendMail(mail)).response).toMatch(/^250 /);
    expect((await smtp.sendMail(mail)).response).toMatch(/^250 /);
    const [ticket] = await eventually(
      async () => ((await tickets()).length ? await tickets() : undefined),
      'the ticket',
    );
    await t.call('POST', '/_local/settle');
    expect(await tickets()).toHaveLength(1);
    const full = (await t.call('GET', `/tickets/${ticket!.id}`, { token: agent })).body;
    expect(
      full.messages.filter((m: { body: string }) => m.body.includes('no data since this morning')),
    ).toHaveLength(1);
    const records = (
      (await t.call('GET', '/_local/inbound-mail')).body.items as Array<Record<string, any>>
    ).filter((r) => r.emailMessageId === mail.messageId);
    expect(records.map((r) => r.ticketId)).toEqual([ticket!.id]);
  });
});
