import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as receiveEmail } from '#functions/mail/receive-email.ts';
import { MAIL_BUCKET } from '#local/mail/mail-stack.ts';
import { s3ActionNotification, snsEvent } from '#local/mail/ses-events.ts';
import { PutObjectCommand } from '#shared/runtime/aws/s3.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/**
 * Email over real SMTP against the local stack: the SMTP listener stores the raw message like SES's
 * S3 action and invokes the same handler; outbound mail goes through the SES client to the local SES
 * endpoint's outbox. Asserted as a customer and an agent would see it.
 */
let t: TestStack;
let agent: string;
let smtp: nodemailer.Transporter;

interface OutboxMail {
  messageId: string;
  to: string[];
  from: string;
  subject: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
  raw: string;
}

const outbox = async (): Promise<OutboxMail[]> => (await t.call('GET', '/_local/outbox')).body.items;
const inboundRecords = async (): Promise<Array<Record<string, any>>> =>
  (await t.call('GET', '/_local/inbound-mail')).body.items;
const mailTo = async (address: string) => (await outbox()).filter((m) => m.to.includes(address));

async function deskTickets(): Promise<Array<Record<string, any>>> {
  return (await t.call('GET', '/tickets?limit=100', { token: agent })).body.items;
}

async function ticket(id: string) {
  return (await t.call('GET', `/tickets/${id}`, { token: agent })).body;
}

beforeAll(async () => {
  t = await startTestStack();
  await t.call('POST', '/_local/clock', { json: { set: '2031-03-03T15:00:00Z' } }); // a Monday, 10:00 New York
  agent = await t.token('agent', 'techflow');
  smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.mail.smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
  });
});
afterAll(async () => {
  smtp?.close();
  await t.stop();
});

describe('email to ticket and back, threaded', () => {
  const original = {
    from: 'Pat Example <pat@example.com>',
    to: 'support@techflowsolutions.com',
    subject: 'Printer on fire',
    messageId: '<pat-first@mail.example.com>',
    text: 'Hello,\n\nThe office printer is on fire. Account ACME-42.\n\nPat\n-- \nPat Example, ACME',
  };
  let ticketId: string;
  let replyMail: OutboxMail;

  it('opens a ticket from a mail sent over SMTP and acknowledges it', async () => {
    const info = await smtp.sendMail(original);
    expect(info.response).toMatch(/^250 /);
    const created = (await deskTickets()).find((x) => x.subject === 'Printer on fire');
    expect(created).toMatchObject({
      channel: 'email',
      requester: { email: 'pat@example.com', name: 'Pat Example' },
      tags: ['queue-general'],
    });
    ticketId = created!.id;
    const full = await ticket(ticketId);
    expect(full.messages[0]).toMatchObject({
      body: 'Hello,\n\nThe office printer is on fire. Account ACME-42.\n\nPat', // signature trimmed
      channel: 'email',
      email: { messageId: original.messageId, from: 'pat@example.com', to: 'support@techflowsolutions.com' },
    });
    const [ack] = await eventually(async () => {
      const mails = await mailTo('pat@example.com');
      return mails.length ? mails : undefined;
    }, 'the acknowledgement');
    expect(ack!.subject).toBe(`We received your request: Printer on fire [#${ticketId}]`);
    expect(ack!.headers['in-reply-to']).toBe(original.messageId);
    expect(ack!.headers['auto-submitted']).toBe('auto-replied');
    expect(ack!.headers['reply-to']).toMatch(
      new RegExp(`^support\\+${ticketId}\\.[0-9a-f]{20}@techflowsolutions\\.com$`),
    );
    expect(ack!.text).toContain('You will hear from us by');
    expect(ack!.text).toContain('Number of users affected'); // TechFlow's required intake, missing from the mail
  });

  it('mails the agent’s public reply with threading headers, and not an internal note', async () => {
    await t.call('POST', `/tickets/${ticketId}/messages`, {
      token: agent,
      json: { body: 'Internal: call facilities', visibility: 'internal' },
    });
    const res = await t.call('POST', `/tickets/${ticketId}/messages`, {
      token: agent,
      json: { body: 'Please step away from the printer; a technician is on the way.' },
    });
    expect(res.status).toBe(201);
    replyMail = await eventually(
      async () => (await mailTo('pat@example.com')).find((m) => m.text.includes('technician is on the way')),
      'the reply mail',
    );
    expect(replyMail.subject).toBe(`Re: Printer on fire [#${ticketId}]`);
    expect(replyMail.from).toBe('support@techflowsolutions.com');
    expect(replyMail.headers['message-id']).toMatch(
      /^<[0-9a-f]{16}-[0-9a-f-]{36}-000000@email\.amazonses\.com>$/,
    );
    expect(replyMail.headers['in-reply-to']).toBe(original.messageId);
    expect(replyMail.headers.references).toContain(original.messageId);
    expect(replyMail.headers['list-unsubscribe']).toBeUndefined();
    expect(replyMail.headers['auto-submitted']).toBeUndefined(); // a person wrote it
    expect(replyMail.raw).toMatch(/Content-Type: text\/plain/);
    expect(replyMail.html).toContain('technician is on the way');
    expect((await outbox()).some((m) => m.text.includes('Internal: call facilities'))).toBe(false);
  });

  it('threads the customer’s answer to that mail onto the same ticket and reopens it', async () => {
    const current = await t.call('GET', `/tickets/${ticketId}`, { token: agent });
    const patched = await t.call('PATCH', `/tickets/${ticketId}`, {
      token: agent,
      json: { status: 'pending' },
      headers: { 'if-match': current.headers.get('etag')! },
    });
    expect(patched.status).toBe(200);
    const before = (await deskTickets()).length;
    // Sent to the plain address, so only In-Reply-To (SES's Message-ID of our mail) can thread it.
    await smtp.sendMail({
      from: original.from,
      to: 'support@techflowsolutions.com',
      subject: 'Re: Printer on fire',
      messageId: '<pat-second@mail.example.com>',
      inReplyTo: replyMail.headers['message-id'],
      references: [original.messageId, replyMail.headers['message-id']!],
      text: `The technician fixed it, thanks!\n\nOn Mon, 3 Mar 2031 at 10:05, TechFlow Support <support@techflowsolutions.com> wrote:\n> Please step away from the printer; a technician is on the way.\n`,
    });
    const after = await ticket(ticketId);
    expect((await deskTickets()).length).toBe(before);
    expect(after.status).toBe('open');
    const last = after.messages.at(-1);
    expect(last).toMatchObject({
      body: 'The technician fixed it, thanks!',
      author: { role: 'customer' },
      channel: 'email',
    });
    expect(last.email.trimmed).toEqual(['quoted-history']);
    const record = (await inboundRecords()).find((r) => r.emailMessageId === '<pat-second@mail.example.com>');
    expect(record).toMatchObject({ status: 'reply-added', ticketId, threading: 'in-reply-to' });
  });

  it('creates nothing new when the same message is delivered twice', async () => {
    const tickets = (await deskTickets()).length;
    const messages = (await ticket(ticketId)).messages.length;
    await smtp.sendMail(original); // same Message-ID and content as the first delivery
    await smtp.sendMail({ ...original });
    expect((await deskTickets()).length).toBe(tickets);
    expect((await ticket(ticketId)).messages.length).toBe(messages);
    expect((await inboundRecords()).filter((r) => r.emailMessageId === original.messageId)).toHaveLength(1);
  });

  it('ignores an auto-reply with a recorded reason', async () => {
    const messages = (await ticket(ticketId)).messages.length;
    const mailsBefore = (await outbox()).length;
    await smtp.sendMail({
      from: original.from,
      to: `support+${ticketId}@techflowsolutions.com`,
      subject: `Automatic reply: Re: Printer on fire [#${ticketId}]`,
      messageId: '<pat-ooo@mail.example.com>',
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'I am out of the office until Monday.',
    });
    const record = await eventually(
      async () => (await inboundRecords()).find((r) => r.emailMessageId === '<pat-ooo@mail.example.com>'),
      'the ignored record',
    );
    expect(record).toMatchObject({ status: 'ignored', reason: 'Auto-Submitted: auto-replied' });
    expect((await ticket(ticketId)).messages.length).toBe(messages);
    expect((await outbox()).length).toBe(mailsBefore); // no acknowledgement of an auto-reply
  });

  it('sends the closure notice with a signed survey link when the ticket is solved', async () => {
    const current = await t.call('GET', `/tickets/${ticketId}`, { token: agent });
    await t.call('PATCH', `/tickets/${ticketId}`, {
      token: agent,
      json: { status: 'solved' },
      headers: { 'if-match': current.headers.get('etag')! },
    });
    // The survey waits for the outbound sweep (no workflow wake): its schedule runs as the clock passes
    // the next minute and takes tickets listed for longer than a minute.
    await t.call('POST', '/_local/clock', { json: { advance: 'PT2M' } });
    const closure = await eventually(
      async () => (await mailTo('pat@example.com')).find((m) => m.subject.startsWith('Resolved:')),
      'the closure mail',
    );
    const link = new RegExp(`/survey/techflow/${ticketId}\\?sig=(\\d+)\\.[A-Za-z0-9_-]{43}`).exec(
      closure.text,
    );
    expect(link, 'the signed survey link').not.toBeNull();
    expect(closure.text).toContain('technician is on the way'); // the resolution, quoted
    // The link carries its expiry: TechFlow's pack keeps the default of 30 days from the send.
    const expiresAt = Number(link![1]) * 1000;
    const days = (expiresAt - t.stack.clock.now().getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    // The link from the mail opens the survey (its key read through the local Secrets Manager endpoint);
    // expiry itself is unit-tested (the virtual clock only moves forward, and this stack is shared).
    const page = await fetch(`${t.url}${link![0]}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form');
  });
});

describe('mail that must not become a ticket', () => {
  it('rejects mail SES marked as spam, with the reason, without reading it into a ticket', async () => {
    const raw = readFileSync(new URL('../fixtures/mail/multipart-alternative.eml', import.meta.url));
    const key = 'inbound/techflow/spamtest0000000000000000000000000000000';
    await t.stack.clients.s3.send(new PutObjectCommand({ Bucket: MAIL_BUCKET, Key: key, Body: raw }));
    const topic = 'arn:aws:sns:us-east-1:000000000000:tierdesk-inbound-mail';
    const notification = s3ActionNotification({
      messageId: 'spamtest0000000000000000000000000000000',
      receivedAt: new Date('2031-03-03T16:00:00Z'),
      envelopeSender: 'pat@example.com',
      recipients: ['support@techflowsolutions.com'],
      destination: ['support@techflowsolutions.com'],
      headers: [],
      commonHeaders: { from: ['Pat Example <pat@example.com>'], subject: 'Printer on fire' },
      bucketName: MAIL_BUCKET,
      objectKeyPrefix: 'inbound/techflow/',
      topicArn: topic,
      verdicts: { spam: 'FAIL' },
    });
    const before = (await deskTickets()).length;
    const result = (await receiveEmail(snsEvent(topic, notification))) as {
      results: Array<{ outcomes: unknown[] }>;
    };
    expect(result.results[0]!.outcomes).toEqual([
      { desk: 'techflow', status: 'rejected', reason: 'SES spam verdict FAIL' },
    ]);
    expect((await deskTickets()).length).toBe(before);
    expect((await inboundRecords()).find((r) => r.rawObject.key === key)).toMatchObject({
      status: 'rejected',
      reason: 'SES spam verdict FAIL',
    });
  });

  it('refuses recipients no desk receives at RCPT, as SES does', async () => {
    await expect(
      smtp.sendMail({ from: 'pat@example.com', to: 'someone@elsewhere.example', subject: 'x', text: 'x' }),
    ).rejects.toThrow(/550/);
  });

  it('records mail to an unknown mailbox of a desk domain as rejected', async () => {
    await smtp.sendMail({
      from: 'pat@example.com',
      to: 'nobody@techflowsolutions.com',
      subject: 'Lost',
      messageId: '<lost@example.com>',
      text: 'x',
    });
    const record = (await inboundRecords()).find((r) => r.subject === 'Lost');
    expect(record).toMatchObject({ status: 'rejected', reason: 'no queue at nobody@techflowsolutions.com' });
  });
});

describe('bounces', () => {
  it('suppresses an address that bounced and skips later mail to it', async () => {
    // SES's mailbox simulator: mail to this address bounces, and the feedback handler hears of it.
    const bouncer = 'bounce@simulator.amazonses.com';
    const created = await t.call('POST', '/tickets', {
      token: agent,
      json: {
        subject: 'Refund please',
        description: 'Invoice INV-1 was charged twice.',
        channel: 'email',
        requester: { email: bouncer },
      },
    });
    expect(created.status).toBe(201);
    await eventually(
      async () => ((await mailTo(bouncer)).length === 1 ? true : undefined),
      'the acknowledgement (which bounces)',
    );
    await t.call('POST', `/tickets/${created.body.id}/messages`, {
      token: agent,
      json: { body: 'We are looking into the double charge.' },
    });
    const skipped = await eventually(
      async () =>
        (await ticket(created.body.id)).mail?.find(
          (m: { kind: string; status: string }) => m.kind === 'reply' && m.status !== 'pending',
        ),
      'the reply to be skipped',
    );
    expect(skipped).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('suppressed after a bounce'),
    });
    expect(await mailTo(bouncer)).toHaveLength(1); // nothing more went to the suppressed address
  });
});
