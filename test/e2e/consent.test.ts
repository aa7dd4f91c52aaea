import type nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { mailTo as mailToIn, type OutboxMail, smtpClient, ticketFromMail } from '../support/mail.ts';
import { eventually } from '../support/poll.ts';

/**
 * Acentus: "require explicit customer consent before agents access private data for troubleshooting";
 * TechFlow: "Screen sharing requires consent". The agent asks through the API; the customer answers by the
 * signed links in the mail or through the API; staff see files that came with messages only while a
 * grant is live (on the virtual clock), and every opening is recorded for leads.
 */
let t: TestStack;
let smtp: nodemailer.Transporter;

const mailTo = (address: string) => mailToIn(t, address);
const advance = (duration: string) => t.call('POST', '/_local/clock', { json: { advance: duration } });
const linkIn = (mail: OutboxMail, label: 'Agree' | 'Refuse') =>
  new URL(new RegExp(`^${label}: (\\S+)$`, 'm').exec(mail.text)![1]!);

beforeAll(async () => {
  t = await startTestStack({ contract: true });
  await t.call('POST', '/_local/clock', { json: { set: '2031-03-04T10:00:00Z' } });
  smtp = smtpClient(t);
}, 60_000);
afterAll(async () => {
  smtp?.close();
  await t?.stop();
});

function acentusTicketWithAttachment(from: string, subject: string) {
  return ticketFromMail(t, smtp, 'acentus', {
    from,
    to: 'support@acentus.example.com',
    subject,
    text: 'The export fails; the log is attached.',
    attachments: [
      { filename: 'export.log', content: 'ERROR 500 at /v2/export\n', contentType: 'text/plain' },
    ],
  });
}

describe('consent by the mailed link (Acentus)', () => {
  it('withholds attachments, asks by mail, shows them under the grant, records the opening, and expires', async () => {
    const { agent, id } = await acentusTicketWithAttachment('dana@example.com', 'Export fails with 500');
    const lead = await t.token('lead', 'acentus', { sub: 'acentus-lead' });

    const before = (await t.call('GET', `/tickets/${id}`, { token: agent })).body;
    expect(before.messages[0].attachments).toBeUndefined();
    expect(before.privateData.withheld).toEqual([
      { messageId: before.messages[0].id, dataClass: 'attachments', count: 1 },
    ]);
    expect(JSON.stringify(before)).not.toContain('export.log');

    const asked = await t.call('POST', `/tickets/${id}/consents`, {
      token: agent,
      json: { scope: ['attachments'], reason: 'To read the error in the log file you attached.' },
    });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({
      state: 'requested',
      scope: ['attachments'],
      mail: { status: 'sent' },
    });

    const mail = await eventually(
      async () => (await mailTo('dana@example.com')).find((m) => m.subject.includes('permission')),
      'the consent request mail',
    );
    expect(mail.text).toContain('To read the error in the log file you attached.');
    const agree = linkIn(mail, 'Agree');
    expect(agree.pathname).toBe(`/consent/acentus/${id}/${asked.body.id}`);

    // A forged or altered signature opens nothing.
    const forged = new URL(agree);
    forged.searchParams.set('sig', `${agree.searchParams.get('sig')!.split('.')[0]}.${'A'.repeat(43)}`);
    expect((await t.call('GET', forged.pathname + forged.search)).status).toBe(403);

    // Opening the link (as a mail scanner would) decides nothing; the page's form does.
    const page = await t.call('GET', agree.pathname + agree.search);
    expect(page.status).toBe(200);
    expect(page.body).toContain('I agree');
    expect((await t.call('GET', `/tickets/${id}/consents`, { token: agent })).body.items[0].state).toBe(
      'requested',
    );
    const granted = await t.call('POST', agree.pathname + agree.search, {
      raw: 'decision=grant',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toContain('You agreed');

    const during = await t.call('GET', `/tickets/${id}`, { token: agent });
    expect(during.body.messages[0].attachments[0]).toMatchObject({ filename: 'export.log' });
    expect(during.body.privateData.openedUnder.consentId).toBe(asked.body.id);

    // Ops never open a customer's private data, consent or not.
    const ops = await t.token('ops', 'acentus');
    expect((await t.call('GET', `/tickets/${id}`, { token: ops })).body.privateData.withheld).toHaveLength(1);

    const log = await t.call('GET', `/tickets/${id}/private-access`, { token: lead });
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        actor: { id: 'acentus-agent', role: 'agent' },
        dataClass: 'attachments',
        consentId: asked.body.id,
        at: expect.any(String),
      }),
    ]);
    expect((await t.call('GET', `/tickets/${id}/private-access`, { token: agent })).status).toBe(403);

    // Answering again through the same link changes nothing.
    const again = await t.call('POST', agree.pathname + agree.search, {
      raw: 'decision=refuse',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(again.body).toContain('You agreed');

    // Acentus grants last 72 hours (virtual clock).
    await advance('PT73H');
    const after = await t.call('GET', `/tickets/${id}`, { token: agent });
    expect(after.body.messages[0].attachments).toBeUndefined();
    expect((await t.call('GET', `/tickets/${id}/consents`, { token: agent })).body.items[0].state).toBe(
      'expired',
    );
    expect((await t.call('GET', `/tickets/${id}/private-access`, { token: lead })).body.items).toHaveLength(
      1,
    );
  });
});

describe('consent through the API', () => {
  it('lets the requester refuse, grant and revoke; only they may answer', async () => {
    const { agent, id } = await acentusTicketWithAttachment('eli@example.com', 'Import drops rows');
    const eli = await t.token('customer', 'acentus', { sub: 'eli', email: 'eli@example.com' });
    const other = await t.token('customer', 'acentus', { sub: 'mo', email: 'mo@example.com' });
    const ask = async () =>
      (
        await t.call('POST', `/tickets/${id}/consents`, {
          token: agent,
          json: { reason: 'To check the rows in your uploaded file.' },
        })
      ).body;
    const decide = (token: string, consentId: string, decision: string) =>
      t.call('POST', `/tickets/${id}/consents/${consentId}/decision`, { token, json: { decision } });

    const first = await ask();
    expect(first.scope).toEqual(['attachments', 'diagnostic-logs']); // the pack's default scope
    const listed = await t.call('GET', `/tickets/${id}/consents`, { token: eli });
    expect(listed.body.items.map((c: any) => c.id)).toEqual([first.id]);
    expect((await decide(agent, first.id, 'grant')).status).toBe(403);
    expect((await decide(other, first.id, 'grant')).status).toBe(404);
    const refused = await decide(eli, first.id, 'refuse');
    expect(refused.body).toMatchObject({ state: 'refused', decidedVia: 'api' });
    expect((await decide(eli, first.id, 'grant')).status).toBe(409);
    expect(
      (await t.call('GET', `/tickets/${id}`, { token: agent })).body.messages[0].attachments,
    ).toBeUndefined();

    const second = await ask();
    expect((await decide(eli, second.id, 'grant')).body.state).toBe('granted');
    expect(
      (await t.call('GET', `/tickets/${id}`, { token: agent })).body.messages[0].attachments,
    ).toHaveLength(1);
    expect((await decide(eli, second.id, 'revoke')).body.state).toBe('revoked');
    expect(
      (await t.call('GET', `/tickets/${id}`, { token: agent })).body.messages[0].attachments,
    ).toBeUndefined();

    // A request nobody answers lapses after the pack's week.
    const third = await ask();
    await advance('P8D');
    expect((await decide(eli, third.id, 'grant')).status).toBe(409);
  });
});

describe('screen sharing (TechFlow)', () => {
  it('records a screen-sharing session only under a live consent', async () => {
    const ana = await t.token('customer', 'techflow', { sub: 'ana', email: 'ana@example.com' });
    const agent = await t.token('agent', 'techflow', { sub: 'techflow-agent' });
    const lead = await t.token('lead', 'techflow', { sub: 'techflow-lead' });
    const id = (
      await t.call('POST', '/tickets', { token: ana, json: { subject: 'SSO loop', description: 'Loops.' } })
    ).body.id;
    const share = () =>
      t.call('POST', `/tickets/${id}/private-access`, {
        token: agent,
        json: { dataClass: 'screen-sharing', what: 'screen-sharing session to check the SSO settings' },
      });
    expect((await share()).status).toBe(403);
    const asked = await t.call('POST', `/tickets/${id}/consents`, {
      token: agent,
      json: { reason: 'To look at your SSO settings with you.' },
    });
    expect(asked.body.scope).toEqual(['screen-sharing']);
    const wrong = await t.call('POST', `/tickets/${id}/consents`, {
      token: agent,
      json: { scope: ['attachments'], reason: 'To read your attachments please.' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].pointer).toBe('/scope/0');
    await t.call('POST', `/tickets/${id}/consents/${asked.body.id}/decision`, {
      token: ana,
      json: { decision: 'grant' },
    });
    const opened = await share();
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ dataClass: 'screen-sharing', consentId: asked.body.id });
    const log = (await t.call('GET', `/tickets/${id}/private-access`, { token: lead })).body.items;
    expect(log.map((r: any) => r.what)).toEqual(['screen-sharing session to check the SSO settings']);
  });
});
