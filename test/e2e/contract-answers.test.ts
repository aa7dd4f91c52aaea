import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/**
 * Answers whose values come from outside the API's own validation still match docs/openapi.json: every
 * `call()` below is checked against the document (the contract check is on for every test stack).
 */
let t: TestStack;
let agent: string;

beforeAll(async () => {
  t = await startTestStack();
  agent = await t.token('agent', 'techflow');
});
afterAll(async () => {
  await t.stop();
});

describe('the contract of answers about mailed tickets', () => {
  it('accepts a requester address that mail delivers but a JSON body could not name', async () => {
    // `!` is valid in an address's local part (RFC 5322) and mail intake keeps it; the zod address
    // check of API bodies is stricter, so the answer's schema must not promise that check's pattern.
    const from = 'o!brien@example.com';
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.stack.mail.smtpPort,
      ignoreTLS: true,
    });
    await smtp.sendMail({ from, to: 'support@techflowsolutions.com', subject: 'Printer jam', text: 'Help' });
    smtp.close();
    const listed = await eventually(async () => {
      const res = await t.call('GET', '/tickets?limit=100', { token: agent });
      return res.body.items.find((i: { requester: { email: string } }) => i.requester.email === from);
    }, 'the mailed ticket in the desk list');
    const res = await t.call('GET', `/tickets/${listed.id}`, { token: agent });
    expect(res.status).toBe(200);
    expect(res.body.requester.email).toBe(from);
  });
});
