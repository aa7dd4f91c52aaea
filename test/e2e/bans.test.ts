import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSurveyKeyring } from '#local/survey-secret.ts';
import { surveyPath } from '#shared/survey/link.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * A ban holds on every intake path, for every spelling of the banned address: the API (tickets,
 * messages, DSAR, billing appeals, surveys) answers 403 problem+json, and mail over real SMTP is
 * recorded as rejected with the ban as its reason. Each refusal is counted on the ban.
 */
let t: TestStack;
let smtp: nodemailer.Transporter;
let lead: string;
let agent: string;

const inboundRecords = async (): Promise<Array<Record<string, any>>> =>
  (await t.call('GET', '/_local/inbound-mail')).body.items;
const banOf = async (email: string) =>
  ((await t.call('GET', '/bans', { token: lead })).body.items as Array<Record<string, any>>).find(
    (b) => b.email === email,
  );
const ban = async (email: string) => {
  const res = await t.call('POST', '/bans', { token: lead, json: { email, reason: 'abusive to staff' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const customer = (email: string, desk = 'techflow') => t.token('customer', desk, { sub: email, email });
const expectBanned = (res: { status: number; headers: Headers; body: any }) => {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.type).toBe('/problems/requester-banned');
};

beforeAll(async () => {
  t = await startTestStack();
  await t.call('POST', '/_local/clock', { json: { set: '2031-03-03T15:00:00Z' } }); // a Monday
  lead = await t.token('lead', 'techflow');
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

describe('bans normalise the address', () => {
  it('stores the normalised form, and refuses what is neither an address nor @domain', async () => {
    expect(await ban('Troll+Spam@EXAMPLE.com')).toMatchObject({ email: 'troll@example.com' });
    const bad = await t.call('POST', '/bans', { token: lead, json: { email: '@com', reason: 'everyone' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/email');
    const again = await t.call('POST', '/bans', {
      token: lead,
      json: { email: 'TROLL@example.com', reason: 'twice' },
    });
    expect(again.status).toBe(409);
  });

  it('refuses plus-addresses, other cases and Unicode look-alikes of a banned address on the API', async () => {
    for (const email of ['troll+x@example.com', 'Troll@Example.com', 'troll@EXAMPLE.COM']) {
      const res = await t.call('POST', '/tickets', {
        token: await customer(email),
        json: { subject: 'let me in', description: 'x' },
      });
      expectBanned(res);
      expect(JSON.stringify(res.body)).not.toContain('abusive');
    }
    // An app opening a ticket for the requester under another spelling.
    const app = await t.token('app', 'techflow');
    expectBanned(
      await t.call('POST', '/tickets', {
        token: app,
        json: { subject: 's', description: 'd', requester: { email: 'TROLL+app@Example.COM' } },
      }),
    );
    expect(await banOf('troll@example.com')).toMatchObject({ blockedAttempts: 4 });
    // A different mailbox at the same domain, and the same name at a sub-domain, are other people.
    for (const email of ['friend@example.com', 'troll@mail.example.com']) {
      const res = await t.call('POST', '/tickets', {
        token: await customer(email),
        json: { subject: 'hello', description: 'x' },
      });
      expect(res.status, email).toBe(201);
    }
  });

  it('a domain ban covers the domain and its sub-domains, and is lifted by the same spelling', async () => {
    expect(await ban('@Trolls.Example')).toMatchObject({ email: '@trolls.example' });
    for (const email of ['a@trolls.example', 'b+x@eu.mail.trolls.example']) {
      expectBanned(
        await t.call('POST', '/tickets', {
          token: await customer(email),
          json: { subject: 'let me in', description: 'x' },
        }),
      );
    }
    expect(
      (
        await t.call('POST', '/tickets', {
          token: await customer('c@nottrolls.example'),
          json: { subject: 'fine', description: 'x' },
        })
      ).status,
    ).toBe(201);
    expect(await banOf('@trolls.example')).toMatchObject({ blockedAttempts: 2 });
    expect((await t.call('DELETE', '/bans/@TROLLS.example', { token: lead })).status).toBe(204);
    expect(
      (
        await t.call('POST', '/tickets', {
          token: await customer('a@trolls.example'),
          json: { subject: 'back', description: 'x' },
        })
      ).status,
    ).toBe(201);
  });
});

describe('a ban holds on every intake path', () => {
  it('refuses a message on a ticket opened before the ban', async () => {
    const token = await customer('sam@example.org');
    const earlier = (
      await t.call('POST', '/tickets', { token, json: { subject: 'before', description: 'x' } })
    ).body;
    await ban('Sam+any@Example.org');
    expectBanned(await t.call('POST', `/tickets/${earlier.id}/messages`, { token, json: { body: 'x' } }));
  });

  it('rejects new mail from a banned sender over SMTP, recording why and counting it', async () => {
    await ban('@spam.example');
    const info = await smtp.sendMail({
      from: 'Troll <Troll+x@Mail.SPAM.example>',
      to: 'support@techflowsolutions.com',
      subject: 'Banned by mail',
      messageId: '<banned-1@mail.spam.example>',
      text: 'Let me in.',
    });
    expect(info.response).toMatch(/^250 /);
    const record = (await inboundRecords()).find((r) => r.subject === 'Banned by mail');
    expect(record).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^banned sender/) });
    expect(record!.reason).toContain('@spam.example');
    const tickets = (await t.call('GET', '/tickets?limit=100', { token: agent })).body.items;
    expect(tickets.some((x: any) => x.subject === 'Banned by mail')).toBe(false);
    expect(await banOf('@spam.example')).toMatchObject({ blockedAttempts: 1 });
  });

  it('rejects a mailed reply to an existing ticket once its requester is banned', async () => {
    // example.org is a domain the local SES stand-in authenticates, so the first mail opens a ticket.
    await smtp.sendMail({
      from: 'Kim <kim@example.org>',
      to: 'support@techflowsolutions.com',
      subject: 'Before my ban',
      messageId: '<kim-1@example.org>',
      text: 'Hello.',
    });
    const created = (await inboundRecords()).find((r) => r.subject === 'Before my ban');
    expect(created).toMatchObject({ status: 'ticket-created' });
    await ban('KIM@example.org');
    await smtp.sendMail({
      from: 'Kim <kim@example.org>',
      to: `support+${created!.ticketId}@techflowsolutions.com`,
      subject: `Re: Before my ban [#${created!.ticketId}]`,
      inReplyTo: '<kim-1@example.org>',
      references: '<kim-1@example.org>',
      messageId: '<kim-2@example.org>',
      text: 'Still there?',
    });
    const reply = (await inboundRecords()).find((r) => r.subject?.startsWith('Re: Before my ban'));
    expect(reply).toMatchObject({ status: 'rejected', reason: 'banned sender (ban on kim@example.org)' });
    const full = (await t.call('GET', `/tickets/${created!.ticketId}`, { token: agent })).body;
    expect(full.messages).toHaveLength(1);
  });

  it('refuses a self-service DSAR, but staff can still file one for the person', async () => {
    await ban('dana@example.com');
    const own = await t.call('POST', '/dsar', {
      token: await customer('Dana+gdpr@example.com'),
      json: { kind: 'access' },
    });
    expectBanned(own);
    const filed = await t.call('POST', '/dsar', {
      token: lead,
      json: { kind: 'access', requester: { email: 'dana@example.com' }, channel: 'letter' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  });

  it('refuses a billing appeal', async () => {
    const rchLead = await t.token('lead', 'rch-spyfocus');
    const added = await t.call('POST', '/bans', {
      token: rchLead,
      json: { email: 'eve@example.com', reason: 'fraud' },
    });
    expect(added.status).toBe(201);
    expectBanned(
      await t.call('POST', '/billing-appeals', {
        token: await customer('EVE@example.com', 'rch-spyfocus'),
        json: { summary: 'Charged after cancelling', invoiceId: 'INV-9' },
      }),
    );
    const other = await t.call('POST', '/billing-appeals', {
      token: await customer('ada@example.com', 'rch-spyfocus'),
      json: { summary: 'Charged after cancelling', invoiceId: 'INV-10' },
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
  });

  it('refuses a survey answer from a banned requester', async () => {
    const token = await customer('lee@example.com');
    const { id } = (
      await t.call('POST', '/tickets', { token, json: { subject: 'survey me', description: 'x' } })
    ).body;
    await t.call('POST', `/tickets/${id}/messages`, { token: agent, json: { body: 'Fixed.' } });
    const etag = (await t.call('GET', `/tickets/${id}`, { token: agent })).headers.get('etag')!;
    const solved = await t.call('PATCH', `/tickets/${id}`, {
      token: agent,
      headers: { 'if-match': etag },
      json: { status: 'solved' },
    });
    expect(solved.status).toBe(200);
    await ban('lee@example.com');
    const link = surveyPath(
      localSurveyKeyring(t.stack.dataDir),
      'techflow',
      id,
      new Date('2100-01-01T00:00:00Z'),
    );
    expectBanned(await t.call('POST', link, { json: { csat: 1, nps: 0 } }));
    const form = await fetch(`${t.url}${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csat=1&nps=0',
    });
    expect(form.status).toBe(403);
    expect(await form.text()).toContain('Support unavailable');
    expect(await banOf('lee@example.com')).toMatchObject({ blockedAttempts: 2 });
  });
});
