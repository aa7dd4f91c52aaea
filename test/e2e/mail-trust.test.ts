import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/**
 * Sender trust over real SMTP: the local SES stand-in authenticates mail from its table of domains
 * (example.com and example.org by default) and from nowhere else, as SES would with SPF/DKIM/DMARC.
 * A forger writes a customer's From with an envelope at their own domain; nodemailer's `envelope`
 * sets MAIL FROM independently of the From header, exactly as a spammer's MTA does.
 */
let t: TestStack;
let agent: string;
let lead: string;
let smtp: nodemailer.Transporter;

interface OutboxMail {
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

const DESK = 'support@techflowsolutions.com';
const PAT = 'pat-trust@example.com';
const outbox = async (): Promise<OutboxMail[]> => (await t.call('GET', '/_local/outbox')).body.items;
const inbound = async (): Promise<Array<Record<string, any>>> =>
  (await t.call('GET', '/_local/inbound-mail?limit=200')).body.items;
const ticket = async (id: string) => (await t.call('GET', `/tickets/${id}`, { token: agent })).body;
const deskTickets = async (): Promise<Array<Record<string, any>>> =>
  (await t.call('GET', '/tickets?limit=100', { token: agent })).body.items;
const recordFor = async (subject: string) =>
  eventually(async () => (await inbound()).find((r) => r.subject === subject), `inbound record "${subject}"`);

/** A forged mail: From names the customer, the envelope is the attacker's. */
const forge = (mail: nodemailer.SendMailOptions & { to: string }) =>
  smtp.sendMail({ ...mail, envelope: { from: 'mallory@evil.test', to: [mail.to] } });

let ticketId: string;
let replyTo: string;
let ackMessageId: string;

beforeAll(async () => {
  t = await startTestStack();
  await t.call('POST', '/_local/clock', { json: { set: '2031-03-03T15:00:00Z' } });
  agent = await t.token('agent', 'techflow');
  lead = await t.token('lead', 'techflow');
  smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.mail.smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
  });
  // A genuine customer opens a ticket from an authenticated domain.
  await smtp.sendMail({
    from: `Pat <${PAT}>`,
    to: DESK,
    subject: 'VPN drops every hour',
    text: 'Since Monday.',
  });
  ticketId = (await deskTickets()).find((x) => x.subject === 'VPN drops every hour')!.id;
  const ack = await eventually(
    async () => (await outbox()).find((m) => m.to.includes(PAT) && m.subject.includes(ticketId)),
    'the acknowledgement',
  );
  replyTo = ack.headers['reply-to']!;
  ackMessageId = ack.headers['message-id']!;
  expect(replyTo).toMatch(new RegExp(`^support\\+${ticketId}\\.[0-9a-f]{20}@techflowsolutions\\.com$`));
});
afterAll(async () => {
  smtp?.close();
  await t.stop();
});

describe('forged From: suspended, nothing added to the ticket', () => {
  it('through the signed plus address', async () => {
    const before = (await ticket(ticketId)).messages.length;
    await forge({
      from: PAT,
      to: replyTo,
      subject: 'Forged via plus address',
      text: 'Reset my password to x',
    });
    const record = await recordFor('Forged via plus address');
    expect(record).toMatchObject({ status: 'suspended' });
    expect(record.reason).toContain('sender not authenticated');
    expect((await ticket(ticketId)).messages).toHaveLength(before);
    const listed = (await t.call('GET', '/mail/suspended', { token: lead })).body.items;
    expect(listed.find((m: any) => m.subject === 'Forged via plus address')).toMatchObject({
      status: 'suspended',
      from: PAT,
      envelopeSender: 'mallory@evil.test',
      verdicts: { spf: 'GRAY', dkim: 'GRAY', dmarc: 'FAIL' },
      claimedTicket: { ticketId, via: 'reply-address' },
    });
  });

  it('through In-Reply-To (SES’s id of our mail, and a made-up one of ours)', async () => {
    const before = (await ticket(ticketId)).messages.length;
    await forge({
      from: PAT,
      to: DESK,
      subject: 'Forged via In-Reply-To',
      inReplyTo: ackMessageId,
      text: 'x',
    });
    await forge({
      from: PAT,
      to: DESK,
      subject: 'Forged via made-up id',
      inReplyTo: `<t.${ticketId}.${'0'.repeat(20)}.0123456789abcdef@techflowsolutions.com>`,
      text: 'y',
    });
    expect(await recordFor('Forged via In-Reply-To')).toMatchObject({ status: 'suspended' });
    const listed = (await t.call('GET', '/mail/suspended', { token: lead })).body.items;
    expect(listed.find((m: any) => m.subject === 'Forged via In-Reply-To').claimedTicket).toEqual({
      ticketId,
      via: 'in-reply-to',
    });
    expect(await recordFor('Forged via made-up id')).toMatchObject({ status: 'suspended' });
    expect((await ticket(ticketId)).messages).toHaveLength(before);
  });

  it('through the subject tag', async () => {
    const before = (await ticket(ticketId)).messages.length;
    const tickets = (await deskTickets()).length;
    await forge({ from: PAT, to: DESK, subject: `Forged via subject [#${ticketId}]`, text: 'z' });
    const record = await eventually(
      async () => (await inbound()).find((r) => r.subject?.startsWith('Forged via subject')),
      'the record',
    );
    expect(record).toMatchObject({ status: 'suspended' });
    expect((await ticket(ticketId)).messages).toHaveLength(before);
    expect(await deskTickets()).toHaveLength(tickets);
  });

  it('a first mail from an unauthenticated domain is suspended too (no unverified tickets)', async () => {
    const tickets = (await deskTickets()).length;
    await smtp.sendMail({ from: 'newbie@unknown.test', to: DESK, subject: 'Hello from nowhere', text: 'hi' });
    expect(await recordFor('Hello from nowhere')).toMatchObject({ status: 'suspended' });
    expect(await deskTickets()).toHaveLength(tickets);
    expect((await outbox()).some((m) => m.to.includes('newbie@unknown.test'))).toBe(false);
  });
});

describe('thread tokens', () => {
  it('a forged or unsigned token in the plus address threads nothing, even from the requester', async () => {
    const before = (await ticket(ticketId)).messages.length;
    await smtp.sendMail({
      from: PAT,
      to: `support+${ticketId}.${'a'.repeat(20)}@techflowsolutions.com`,
      subject: 'Forged token',
      text: 'a',
    });
    await smtp.sendMail({
      from: PAT,
      to: `support+${ticketId}@techflowsolutions.com`,
      subject: 'Unsigned',
      text: 'b',
    });
    const forged = await recordFor('Forged token');
    expect(forged).toMatchObject({ status: 'ticket-created' });
    expect(forged.threading).toContain('reply-address token did not verify');
    expect(forged.ticketId).not.toBe(ticketId);
    expect(await recordFor('Unsigned')).toMatchObject({ status: 'ticket-created' });
    expect((await ticket(ticketId)).messages).toHaveLength(before);
  });

  it('the signed token from our mail threads the requester’s answer', async () => {
    const before = (await ticket(ticketId)).messages.length;
    await smtp.sendMail({
      from: PAT,
      to: replyTo,
      subject: 'Re: genuine answer',
      text: 'It is every 60 minutes.',
    });
    expect(await recordFor('Re: genuine answer')).toMatchObject({
      status: 'reply-added',
      ticketId,
      threading: 'reply-address',
    });
    expect((await ticket(ticketId)).messages).toHaveLength(before + 1);
  });
});

describe('replies go to the requester', () => {
  it('a Reply-To on a new mail is recorded, not followed', async () => {
    await smtp.sendMail({
      from: 'sam-trust@example.com',
      replyTo: 'hijack@evil.test',
      to: DESK,
      subject: 'Reply-To on a new mail',
      text: 'please help',
    });
    const created = (await deskTickets()).find((x) => x.subject === 'Reply-To on a new mail')!;
    expect((await ticket(created.id)).messages[0].email).toMatchObject({
      from: 'sam-trust@example.com',
      replyTo: 'hijack@evil.test',
      senderVerified: true,
    });
    await eventually(
      async () => (await outbox()).find((m) => m.to.includes('sam-trust@example.com')),
      'the acknowledgement to the requester',
    );
    // A reply with another Reply-To, then an agent's answer: still only to the requester.
    const ack = (await outbox()).find((m) => m.to.includes('sam-trust@example.com'))!;
    await smtp.sendMail({
      from: 'sam-trust@example.com',
      replyTo: 'hijack2@evil.test',
      to: ack.headers['reply-to']!,
      subject: 'Re: Reply-To on a reply',
      text: 'more',
    });
    expect(await recordFor('Re: Reply-To on a reply')).toMatchObject({ status: 'reply-added' });
    await t.call('POST', `/tickets/${created.id}/messages`, {
      token: agent,
      json: { body: 'Here is your reset link: https://example.invalid/reset' },
    });
    await eventually(
      async () =>
        (await outbox()).find((m) => m.text.includes('reset link') && m.to.includes('sam-trust@example.com')),
      'the agent reply to the requester',
    );
    expect((await outbox()).filter((m) => m.to.some((a) => a.endsWith('@evil.test')))).toEqual([]);
  });
});

describe('staff decide on suspended mail', () => {
  const suspended = async (subject: string) =>
    ((await t.call('GET', '/mail/suspended', { token: lead })).body.items as any[]).find(
      (m) => m.subject === subject,
    );

  it('agents and customers may not see or release it', async () => {
    const mail = await suspended('Forged via plus address');
    const customer = await t.token('customer', 'techflow', { sub: 'p', email: PAT });
    expect((await t.call('GET', '/mail/suspended', { token: agent })).status).toBe(403);
    const release = await t.call('POST', `/mail/suspended/${mail.id}/release`, { token: agent, json: {} });
    expect(release.status).toBe(403);
    expect(release.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.call('GET', `/mail/suspended/${mail.id}`, { token: customer })).status).toBe(403);
    expect((await suspended('Forged via plus address')).status).toBe('suspended');
  });

  it('a lead releases it to a new ticket, which keeps the received time; the ack quotes nothing', async () => {
    const mail = await suspended('Hello from nowhere');
    await t.call('POST', '/_local/clock', { json: { advance: 'PT3H' } });
    const res = await t.call('POST', `/mail/suspended/${mail.id}/release`, { token: lead, json: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'released', decision: 'new-ticket' });
    const opened = await ticket(res.body.ticketId);
    expect(opened.createdAt).toBe(mail.receivedAt);
    expect(opened.requester.email).toBe('newbie@unknown.test');
    expect(opened.messages[0].email).toMatchObject({ senderVerified: false });
    const ack = await eventually(
      async () => (await outbox()).find((m) => m.to.includes('newbie@unknown.test')),
      'the acknowledgement',
    );
    expect(ack.subject).toBe(`We received your message [#${res.body.ticketId}]`);
    const again = await t.call('POST', `/mail/suspended/${mail.id}/release`, { token: lead, json: {} });
    expect(again.status).toBe(409);
    expect(await recordFor('Hello from nowhere')).toMatchObject({ status: 'ticket-created' });
  });

  it('a lead releases it to a named ticket', async () => {
    const mail = await suspended('Forged via In-Reply-To');
    const before = (await ticket(ticketId)).messages.length;
    const bad = await t.call('POST', `/mail/suspended/${mail.id}/release`, {
      token: lead,
      json: { ticketId: 'nonsense' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/ticketId');
    const res = await t.call('POST', `/mail/suspended/${mail.id}/release`, {
      token: lead,
      json: { ticketId },
    });
    expect(res.status).toBe(200);
    const after = await ticket(ticketId);
    expect(after.messages).toHaveLength(before + 1);
    expect(after.messages.at(-1).email).toMatchObject({ senderVerified: false, from: PAT });
  });

  it('a lead rejects it with a reason; it can then not be released', async () => {
    const mail = await suspended('Forged via made-up id');
    const missing = await t.call('POST', `/mail/suspended/${mail.id}/reject`, { token: lead, json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].pointer).toBe('/reason');
    const res = await t.call('POST', `/mail/suspended/${mail.id}/reject`, {
      token: lead,
      json: { reason: 'Phishing attempt' },
    });
    expect(res.body).toMatchObject({ status: 'rejected', decision: 'Phishing attempt' });
    const record = await recordFor('Forged via made-up id');
    expect(record.status).toBe('rejected');
    expect(
      (await t.call('POST', `/mail/suspended/${mail.id}/release`, { token: lead, json: {} })).status,
    ).toBe(409);
    expect((await t.call('GET', `/mail/suspended/${mail.id}`, { token: lead })).body.status).toBe('rejected');
  });
});
