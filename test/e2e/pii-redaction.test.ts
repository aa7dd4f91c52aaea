import type nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { mailTo as mailToIn, smtpClient, ticketFromMail } from '../support/mail.ts';
import { eventually } from '../support/poll.ts';

/**
 * Acentus: "redact PII in public-facing notes". A public agent reply is stored redacted (what the customer
 * reads in the API and the ticket history) and mailed redacted; the customer's acknowledgement, which
 * repeats their subject, is redacted before it is sent. TechFlow's pack asks for none of it.
 */
let t: TestStack;
let smtp: nodemailer.Transporter;

const mailTo = (address: string) => mailToIn(t, address);

beforeAll(async () => {
  t = await startTestStack();
  await t.call('POST', '/_local/clock', { json: { set: '2031-03-04T10:00:00Z' } });
  smtp = smtpClient(t);
}, 60_000);
afterAll(async () => {
  smtp?.close();
  await t?.stop();
});

const emailTicket = (desk: string, to: string, from: string, subject: string) =>
  ticketFromMail(t, smtp, desk, { from, to, subject, text: 'Please help, details above.' });

describe('PII redaction (Acentus)', () => {
  it('stores and mails a public reply redacted, keeps the internal note, and redacts the acknowledgement', async () => {
    const subject = 'Charged twice on card 4111 1111 1111 1111';
    const { agent, id } = await emailTicket(
      'acentus',
      'support@acentus.example.com',
      'dana@example.com',
      subject,
    );

    const ack = await eventually(
      async () => (await mailTo('dana@example.com')).find((m) => m.subject.includes('We received')),
      'the acknowledgement',
    );
    expect(ack.subject).toContain('[redacted: card number]');
    expect(ack.subject).not.toContain('4111');
    expect(ack.text).not.toContain('4111 1111 1111 1111');

    const reply =
      'We refunded the duplicate charge on 4111 1111 1111 1111 (order 88213, v3.8.1, 2031-03-04). ' +
      'Your colleague bob@acme-corp.example (+44 20 7946 0958) was copied; you (dana@example.com) keep the receipt.';
    const posted = await t.call('POST', `/tickets/${id}/messages`, { token: agent, json: { body: reply } });
    expect(posted.status).toBe(201);
    const expected =
      'We refunded the duplicate charge on [redacted: card number] (order 88213, v3.8.1, 2031-03-04). ' +
      'Your colleague [redacted: email address] ([redacted: phone number]) was copied; you (dana@example.com) keep the receipt.';
    expect(posted.body.message.body).toBe(expected);
    await t.call('POST', `/tickets/${id}/messages`, {
      token: agent,
      json: { body: 'Internal: card 4111 1111 1111 1111 was on the call', visibility: 'internal' },
    });

    const customer = await t.token('customer', 'acentus', { sub: 'dana', email: 'dana@example.com' });
    const seen = (await t.call('GET', `/tickets/${id}`, { token: customer })).body;
    expect(seen.messages.map((m: any) => m.body)).toContain(expected);
    // The customer's own subject is theirs; what staff wrote to them carries no card number.
    const written = seen.messages.filter((m: any) => m.author.role !== 'customer');
    expect(JSON.stringify(written)).not.toContain('4111 1111 1111 1111');
    const staffView = (await t.call('GET', `/tickets/${id}`, { token: agent })).body;
    expect(staffView.messages.map((m: any) => m.body)).toContain(
      'Internal: card 4111 1111 1111 1111 was on the call',
    );

    const mailed = await eventually(
      async () => (await mailTo('dana@example.com')).find((m) => m.text.includes('duplicate charge')),
      'the reply mail',
    );
    expect(mailed.text).toContain('[redacted: card number]');
    expect(mailed.text).toContain('you (dana@example.com) keep the receipt');
    for (const value of ['4111 1111 1111 1111', 'bob@acme-corp.example', '7946 0958']) {
      expect(mailed.text).not.toContain(value);
      expect(mailed.html ?? '').not.toContain(value);
    }
  });
});

describe('PII redaction is per pack', () => {
  it('leaves a TechFlow reply as written (its pack asks for no redaction)', async () => {
    const { agent, id } = await emailTicket(
      'techflow',
      'support@techflowsolutions.com',
      'lee@example.com',
      'Login loop after update',
    );
    const body = 'Call our partner on +44 20 7946 0958 about card 4111 1111 1111 1111.';
    const posted = await t.call('POST', `/tickets/${id}/messages`, { token: agent, json: { body } });
    expect(posted.body.message.body).toBe(body);
  });
});
