import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * Compliance through the local stack: DSARs, billing appeals, legal holds and retention purges, with
 * every deadline on the virtual clock (fixed dates from 2031 on, always moving forward).
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const setClock = async (iso: string) => {
  const res = await t.call('POST', '/_local/clock', { json: { set: iso } });
  expect(res.status).toBe(200);
};
const tokens = {
  customer: (desk: string, email: string, name?: string) =>
    t.token('customer', desk, { sub: `cust-${email.split('@')[0]}`, email, ...(name ? { name } : {}) }),
  agent: (desk: string) => t.token('agent', desk, { sub: `agent-${desk}` }),
  lead: (desk: string) => t.token('lead', desk, { sub: `lead-${desk}` }),
  manager: (desk: string) => t.token('manager', desk, { sub: `manager-${desk}` }),
};
async function pendingNotices(subjectId: string) {
  const res = await t.call('GET', '/_local/compliance/notices');
  return (res.body.items as any[]).filter((n) => n.subject.id === subjectId);
}
/** The latest one-time code mailed for a record (what the requester reads in their mailbox). */
async function codeFor(subjectId: string, template = 'dsar-verification-code') {
  const notices = (await pendingNotices(subjectId)).filter((n) => n.template === template);
  return notices.at(-1)?.params.code as string;
}
async function schedules() {
  return (await t.call('GET', '/_local/scheduler')).body.schedules as Array<{ name: string; at: string }>;
}
/** A schedule name's instant: `2031-02-21T15:00:02.123Z` → `20310221T150002Z` (see shared/compliance/ports.ts). */
const compact = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
const DAY = 86_400_000;

async function openTicket(token: string, subject: string, description: string) {
  const res = await t.call('POST', '/tickets', { token, json: { subject, description } });
  expect(res.status).toBe(201);
  return res.body;
}

describe('DSAR access request (TechFlow)', () => {
  it('due one calendar month later (31 Jan → 28 Feb), verified by a mailed code, exported with everything, audited', async () => {
    await setClock('2031-01-31T15:00:00Z'); // 10:00 in New York
    const ana = await tokens.customer('techflow', 'ana@example.com', 'Ana Lima');
    const agent = await tokens.agent('techflow');
    const lead = await tokens.lead('techflow');
    const longBody = `Full log follows. ${'line of detail '.repeat(400)}END-OF-LONG-BODY`;
    const first = await openTicket(ana, 'Sync fails', 'Sync fails since Monday.');
    const second = await openTicket(ana, 'Export broken', longBody);
    await t.call('POST', `/tickets/${first.id}/messages`, {
      token: agent,
      json: { body: 'Please send logs.' },
    });
    const file = await t.call('POST', `/tickets/${first.id}/attachments`, {
      token: ana,
      json: {
        filename: 'sync.log',
        contentType: 'text/plain',
        contentBase64: Buffer.from('sync log content').toString('base64'),
      },
    });
    expect(file.status).toBe(201);
    const other = await openTicket(
      await tokens.customer('techflow', 'zoe@example.com'),
      'Not Ana',
      'Someone else.',
    );

    const created = await t.call('POST', '/dsar', { token: ana, json: { kind: 'access' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'access', status: 'awaiting-verification' });
    // Received on 31 January (10:00 New York): due on 28 February at the same local time.
    expect(created.body.receivedAt.slice(0, 10)).toBe('2031-01-31');
    expect(created.body.dueAt).toBe(`2031-02-28${created.body.receivedAt.slice(10)}`);
    const id = created.body.id;
    expect(
      (
        await t.call('POST', '/dsar', {
          token: ana,
          json: { kind: 'access', requester: { email: 'x@example.com' } },
        })
      ).status,
    ).toBe(400);

    // Nothing is released before the identity check.
    expect((await t.call('POST', `/dsar/${id}/export`, { token: lead })).body.type).toBe(
      '/problems/identity-not-verified',
    );
    expect(
      (await t.call('POST', `/dsar/${id}/verify`, { token: ana, json: { code: '00000000' } })).status,
    ).toBe(409);
    const code = await codeFor(id);
    expect(code).toMatch(/^\d{8}$/);
    const verified = await t.call('POST', `/dsar/${id}/verify`, { token: ana, json: { code } });
    expect(verified.body.status).toBe('verified');
    expect(await codeFor(id)).toBeNull(); // a used code does not stay in the table

    // The next deadline has a one-time schedule: the 7-day reminder, 21 Feb 10:00 New York.
    expect((await schedules()).map((s) => s.name)).toContain(
      `dsar-${id}-${compact(Date.parse(created.body.dueAt) - 7 * DAY)}`,
    );

    expect((await t.call('POST', `/dsar/${id}/export`, { token: agent })).status).toBe(403);
    const exported = await t.call('POST', `/dsar/${id}/export`, { token: lead });
    expect(exported.status).toBe(201);
    expect(exported.body).toMatchObject({
      status: 'fulfilled',
      export: { counts: { tickets: 2, messages: 3, attachments: 1 } },
    });
    expect((await schedules()).filter((s) => s.name.startsWith(`dsar-${id}`))).toEqual([]);

    const download = await t.call('GET', `/dsar/${id}/export`, { token: ana });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain(`dsar-${id}.json`);
    const bundle = download.body;
    expect(bundle.format).toBe('tierdesk-dsar-export/1');
    expect(bundle.subject).toEqual({ email: 'ana@example.com', name: 'Ana Lima' });
    expect(bundle.approvedBy).toEqual({ id: 'lead-techflow', role: 'lead' });
    expect(bundle.tickets.map((x: any) => x.ticket.id)).toEqual([first.id, second.id]);
    expect(bundle.tickets.map((x: any) => x.ticket.id)).not.toContain(other.id);
    expect(bundle.tickets[1].messages[0].body).toBe(longBody); // the body kept in S3 is in the bundle
    expect(bundle.tickets[0].messages.map((m: any) => m.body)).toEqual([
      'Sync fails since Monday.',
      'Please send logs.',
    ]);
    expect(Buffer.from(bundle.tickets[0].attachments[0].contentBase64, 'base64').toString()).toBe(
      'sync log content',
    );
    expect(bundle.tickets[0].activity[0]).toMatchObject({ type: 'ticket-created' });
    expect(
      (
        await t.call('GET', `/dsar/${id}/export`, {
          token: await tokens.customer('techflow', 'zoe@example.com'),
        })
      ).status,
    ).toBe(404);

    const audit = await t.call('GET', '/compliance/audit?from=2031-01-31&to=2031-02-01', {
      token: await tokens.manager('techflow'),
    });
    expect(audit.status).toBe(200);
    const trail = audit.body.items.filter((e: any) => e.subject.id === id).map((e: any) => e.action);
    expect(trail).toEqual([
      'dsar.received',
      'dsar.verification-code-sent',
      'dsar.verification-failed',
      'dsar.identity-verified',
      'dsar.exported',
      'dsar.export-downloaded',
    ]);
    expect(JSON.stringify(audit.body)).not.toContain('ana@example.com');
    expect(
      (await t.call('GET', '/compliance/audit?from=2031-01-31&to=2031-02-01', { token: lead })).status,
    ).toBe(403);
  });
});

describe('DSAR deadlines on the virtual clock (TechFlow)', () => {
  it('filed from a letter, extended once with a reason; reminders and the overdue escalation arrive by schedule', async () => {
    await setClock('2031-03-03T15:00:00Z');
    const agent = await tokens.agent('techflow');
    const lead = await tokens.lead('techflow');
    const created = await t.call('POST', '/dsar', {
      token: agent,
      json: {
        kind: 'access',
        requester: { email: 'cy@example.com', name: 'Cy' },
        channel: 'letter',
        receivedAt: '2031-03-01T15:00:00Z',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Received 1 March 10:00 EST: due 1 April 10:00 EDT.
    expect(created.body).toMatchObject({ dueAt: '2031-04-01T14:00:00.000Z', channel: 'letter' });
    expect((await schedules()).map((s) => s.name)).toContain(`dsar-${id}-20310325T140000Z`);

    const reason = { months: 2, reason: 'Records span three archived systems' };
    expect((await t.call('POST', `/dsar/${id}/extension`, { token: agent, json: reason })).status).toBe(403);
    const extended = await t.call('POST', `/dsar/${id}/extension`, { token: lead, json: reason });
    expect(extended.body).toMatchObject({
      dueAt: '2031-06-01T14:00:00.000Z',
      originalDueAt: '2031-04-01T14:00:00.000Z',
      extension: { months: 2, reason: reason.reason },
    });
    expect((await t.call('POST', `/dsar/${id}/extension`, { token: lead, json: reason })).body.type).toBe(
      '/problems/already-extended',
    );
    const names = (await schedules()).map((s) => s.name).filter((n) => n.startsWith(`dsar-${id}`));
    expect(names).toEqual([`dsar-${id}-20310525T140000Z`]); // the old reminder schedule is gone

    await setClock('2031-05-25T14:00:01Z');
    let dsar = (await t.call('GET', `/dsar/${id}`, { token: lead })).body;
    expect(dsar.history.at(-1)).toMatchObject({ action: 'dsar.reminder-sent', details: { daysBefore: 7 } });
    expect(dsar.notices.at(-1)).toMatchObject({
      template: 'dsar-due-soon',
      audience: 'lead',
      status: 'pending',
    });

    await setClock('2031-06-01T14:00:01Z');
    dsar = (await t.call('GET', `/dsar/${id}`, { token: lead })).body;
    expect(dsar.overdueSince).toBe('2031-06-01T14:00:00.000Z');
    expect(dsar.notices.at(-1)).toMatchObject({ template: 'dsar-overdue', audience: 'manager' });
    expect(dsar.notices.filter((n: any) => n.template === 'dsar-due-soon')).toHaveLength(1);
    // The sweep finds nothing left to do: each action happens once.
    const sweep = await t.call('POST', '/_local/jobs/compliance-sweep');
    expect(sweep.body.reports.find((r: any) => r.desk === 'techflow')).toMatchObject({ applied: 0 });
    // The customer sees the outcome, not the internals.
    const own = await t.call('GET', `/dsar/${id}`, {
      token: await tokens.customer('techflow', 'cy@example.com'),
    });
    expect(own.body).not.toHaveProperty('history');
    expect(own.body.extension.reason).toBe(reason.reason);
  });

  it('RCH SpyFocus: 31 January 2032 (leap year) is due 29 February; no extension under its policy', async () => {
    await setClock('2032-01-31T18:00:00Z');
    const created = await t.call('POST', '/dsar', {
      token: await tokens.agent('rch-spyfocus'),
      json: {
        kind: 'access',
        requester: { email: 'dee@example.com' },
        channel: 'phone',
        receivedAt: '2032-01-31T18:00:00Z',
      },
    });
    expect(created.body.dueAt).toBe('2032-02-29T18:00:00.000Z');
    const refused = await t.call('POST', `/dsar/${created.body.id}/extension`, {
      token: await tokens.lead('rch-spyfocus'),
      json: { reason: 'We would like more time please' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/extension-not-allowed');
  });
});

async function scanTable() {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: t.stack.urls.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: 'tierdesk-local', ExclusiveStartKey: start }),
    );
    // Request accounting (the desk quota's per-second counters) is not data a dry run could change.
    items.push(...(page.Items ?? []).filter((item) => !String(item.pk).startsWith('QUOTA#')));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return items;
}
function objectContents(): string[] {
  const root = join(t.stack.dataDir, 'objects');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}

describe('DSAR erasure (TechFlow)', () => {
  it('removes personal data from the table and the object store, keeps anonymous SLA statistics', async () => {
    await setClock('2032-03-01T15:00:00Z');
    const email = 'bo.erase@example.com';
    const name = 'Bo Svensson';
    const bo = await tokens.customer('techflow', email, name);
    const agent = await tokens.agent('techflow');
    const lead = await tokens.lead('techflow');
    const ticket = await openTicket(
      bo,
      'Camera of Bo Svensson broke',
      `My address is 12 Elm Street. ${'x'.repeat(5000)} LONG-SECRET-TAIL`,
    );
    await t.call('POST', '/_local/clock', { json: { advance: 'PT30M' } });
    await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: agent,
      json: { body: 'Hello Bo, we will replace it.' },
    });
    await t.call('POST', `/tickets/${ticket.id}/attachments`, {
      token: bo,
      json: {
        filename: 'receipt-bo.pdf',
        contentType: 'application/pdf',
        contentBase64: Buffer.from('BO-RECEIPT-BYTES').toString('base64'),
      },
    });
    const appeal = await t.call('POST', '/billing-appeals', {
      token: bo,
      json: {
        summary: 'Bo was charged twice for the camera',
        invoiceId: 'INV-BO-1',
        amount: { value: 120, currency: 'USD' },
      },
    });
    expect(appeal.status).toBe(201);
    const slaBefore = (await t.call('GET', `/tickets/${ticket.id}/sla`, { token: agent })).body;
    const firstResponse = (m: any) => m.metrics.find((x: any) => x.metric === 'first-response');
    expect(firstResponse(slaBefore)?.state).toBe('fulfilled');

    const created = await t.call('POST', '/dsar', { token: bo, json: { kind: 'erasure' } });
    const id = created.body.id;
    expect((await t.call('POST', `/dsar/${id}/erasure`, { token: lead })).body.type).toBe(
      '/problems/identity-not-verified',
    );
    await t.call('POST', `/dsar/${id}/verify`, { token: bo, json: { code: await codeFor(id) } });
    expect((await t.call('POST', `/dsar/${id}/erasure`, { token: agent })).status).toBe(403);
    const erased = await t.call('POST', `/dsar/${id}/erasure`, { token: lead });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      status: 'fulfilled',
      requester: { email: `erased-${id.toLowerCase()}@erased.invalid` },
      erasure: {
        counts: { tickets: 1, messages: 2, attachments: 1, billingAppeals: 1 },
        keptUnderLegalHold: [],
      },
    });

    // Statistics stay: timings, priority, status, the applied SLA actions and the clocks.
    const after = (await t.call('GET', `/tickets/${ticket.id}`, { token: agent })).body;
    expect(after).toMatchObject({
      id: ticket.id,
      priority: ticket.priority,
      plan: ticket.plan,
      createdAt: ticket.createdAt,
      subject: '[erased]',
    });
    expect(after.messages.map((m: any) => [m.author.role, m.body])).toEqual([
      ['customer', '[erased]'],
      ['agent', '[erased]'],
    ]);
    const slaAfter = (await t.call('GET', `/tickets/${ticket.id}/sla`, { token: agent })).body;
    expect(firstResponse(slaAfter)).toEqual(firstResponse(slaBefore));
    expect(slaAfter.applied).toEqual(slaBefore.applied);
    // The customer's list no longer has it; the audit trail says what happened, in counts.
    expect((await t.call('GET', '/tickets', { token: bo })).body.items).toEqual([]);

    // No personal data of the requester anywhere: table items and stored objects.
    const secrets = [
      email,
      name,
      'Elm Street',
      'LONG-SECRET-TAIL',
      'Hello Bo',
      'BO-RECEIPT-BYTES',
      'receipt-bo.pdf',
      'INV-BO-1',
      'charged twice',
    ];
    const items = await scanTable();
    const offending = items.filter((i) => secrets.some((s) => JSON.stringify(i).includes(s)));
    // One exception, by design: the notice telling them the erasure is done, until the mailer sends it.
    expect(offending.map((i) => `${i.kind}`)).toEqual(['dsar']);
    const notice = (offending[0]!.notices as any[]).filter((n) => JSON.stringify(n).includes(email));
    expect(notice.map((n) => [n.template, n.status])).toEqual([['dsar-erasure-completed', 'pending']]);
    const withoutThatNotice = {
      ...offending[0],
      notices: (offending[0]!.notices as any[]).filter((n) => n !== notice[0]),
    };
    expect(secrets.some((s) => JSON.stringify(withoutThatNotice).includes(s))).toBe(false);
    for (const content of objectContents()) for (const s of secrets) expect(content).not.toContain(s);
  });

  it('a legal hold keeps held tickets out of the erasure, and a held requester cannot be erased', async () => {
    await setClock('2032-03-02T15:00:00Z');
    const lead = await tokens.lead('techflow');
    const cal = await tokens.customer('techflow', 'cal@example.com', 'Cal');
    const held = await openTicket(cal, 'Contract dispute', 'Under dispute.');
    const free = await openTicket(cal, 'Password reset', 'Forgot it.');
    const hold = await t.call('POST', '/legal-holds', {
      token: lead,
      json: { ticketId: held.id, reason: 'Contract dispute, matter 55', reference: 'M-55' },
    });
    expect(hold.status).toBe(201);
    expect(
      (
        await t.call('POST', '/legal-holds', {
          token: await tokens.agent('techflow'),
          json: { ticketId: held.id, reason: 'Agents cannot do this' },
        })
      ).status,
    ).toBe(403);
    const dsar = (await t.call('POST', '/dsar', { token: cal, json: { kind: 'erasure' } })).body;
    await t.call('POST', `/dsar/${dsar.id}/verify`, { token: cal, json: { code: await codeFor(dsar.id) } });
    const erased = await t.call('POST', `/dsar/${dsar.id}/erasure`, { token: lead });
    expect(erased.body.erasure).toMatchObject({ counts: { tickets: 1 }, keptUnderLegalHold: [held.id] });
    const agent = await tokens.agent('techflow');
    expect((await t.call('GET', `/tickets/${held.id}`, { token: agent })).body.subject).toBe(
      'Contract dispute',
    );
    expect((await t.call('GET', `/tickets/${free.id}`, { token: agent })).body.subject).toBe('[erased]');

    const dan = await tokens.customer('techflow', 'dan@example.com');
    await openTicket(dan, 'Anything', 'Anything at all.');
    await t.call('POST', '/legal-holds', {
      token: lead,
      json: { requesterEmail: 'dan@example.com', reason: 'Regulator inquiry 2032-4' },
    });
    const danDsar = (await t.call('POST', '/dsar', { token: dan, json: { kind: 'erasure' } })).body;
    await t.call('POST', `/dsar/${danDsar.id}/verify`, {
      token: dan,
      json: { code: await codeFor(danDsar.id) },
    });
    const blocked = await t.call('POST', `/dsar/${danDsar.id}/erasure`, { token: lead });
    expect(blocked.body.type).toBe('/problems/requester-under-legal-hold');
    const rejected = await t.call('POST', `/dsar/${danDsar.id}/rejection`, {
      token: lead,
      json: { reason: 'Data held for a regulator inquiry (Art. 17(3)(e))' },
    });
    expect(rejected.body.status).toBe('rejected');
    const holds = await t.call('GET', '/legal-holds?status=active', { token: agent });
    expect(holds.body.items.map((h: any) => h.subject.kind).sort()).toEqual(['requester', 'ticket']);
  });
});

describe('billing appeals', () => {
  it('RCH SpyFocus: 48 h agent review auto-advances to the supervisor, whose 5 business days skip Memorial Day', async () => {
    await setClock('2032-05-27T16:00:00Z'); // Thursday 09:00 PDT
    const eve = await tokens.customer('rch-spyfocus', 'eve@example.com', 'Eve');
    const created = await t.call('POST', '/billing-appeals', {
      token: eve,
      json: {
        summary: 'Charged for Pro after cancelling',
        invoiceId: 'INV-9',
        transactionIds: ['tx-9'],
        amount: { value: 24.99, currency: 'USD' },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const [first] = created.body.stages;
    expect(first.name).toBe('Billing agent review');
    expect(first.startedAt.slice(0, 13)).toBe('2032-05-27T16');
    expect(Date.parse(first.dueAt) - Date.parse(first.startedAt)).toBe(48 * 3_600_000);
    expect(created.body).toMatchObject({
      billingWithheld: expect.any(String),
      identity: { required: true, status: 'pending' },
    });
    expect(created.body).not.toHaveProperty('billing');
    expect((await schedules()).map((s) => s.name)).toContain(
      `appeal-${id}-${compact(Date.parse(first.dueAt))}`,
    );

    await setClock(new Date(Date.parse(first.dueAt) + 1000).toISOString()); // 48 hours pass unanswered
    const lead = await tokens.lead('rch-spyfocus');
    const appeal = (await t.call('GET', `/billing-appeals/${id}`, { token: lead })).body;
    // Sat 29 May → Tue 1, Wed 2, Thu 3, Fri 4, Mon 7 June (Mon 31 May is Memorial Day), close 20:00 PDT.
    expect(appeal.stages[1]).toMatchObject({
      name: 'Supervisor review',
      startedAt: first.dueAt,
      dueAt: '2032-06-08T03:00:00.000Z',
    });
    expect(appeal.history.map((h: any) => h.action)).toContain('billing-appeal.auto-advanced');
    const toCustomer = appeal.notices
      .filter((n: any) => n.audience === 'customer')
      .map((n: any) => n.template);
    expect(toCustomer).toEqual([
      'billing-identity-code',
      'billing-appeal-stage-started',
      'billing-appeal-stage-started',
    ]);

    const agent = await tokens.agent('rch-spyfocus');
    expect(
      (
        await t.call('POST', `/billing-appeals/${id}/decision`, {
          token: agent,
          json: { outcome: 'approve', note: 'Refund it' },
        })
      ).status,
    ).toBe(403);
    // RCH refunds only a verified requester: the approval waits for the identity check.
    const early = await t.call('POST', `/billing-appeals/${id}/decision`, {
      token: lead,
      json: { outcome: 'approve', note: 'Cancelled in time', refund: { value: 24.99, currency: 'USD' } },
    });
    expect(early.body.type).toBe('/problems/identity-not-verified');
    // Above the claimed amount is refused whatever the identity.
    const tooMuch = await t.call('POST', `/billing-appeals/${id}/decision`, {
      token: lead,
      json: { outcome: 'approve', note: 'Cancelled in time', refund: { value: 25, currency: 'USD' } },
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors[0].pointer).toBe('/refund/value');
    const customerView = (await t.call('GET', `/billing-appeals/${id}`, { token: eve })).body;
    expect(customerView).toMatchObject({ status: 'in-review', billingWithheld: expect.any(String) });
    // The first code expired after 24 hours: the customer asks for a new one.
    expect(
      (await t.call('POST', `/billing-appeals/${id}/verify`, { token: eve, json: { code: '12345678' } })).body
        .type,
    ).toBe('/problems/verification-expired');
    expect((await t.call('POST', `/billing-appeals/${id}/verification`, { token: eve })).status).toBe(200);
    const verified = await t.call('POST', `/billing-appeals/${id}/verify`, {
      token: eve,
      json: { code: await codeFor(id, 'billing-identity-code') },
    });
    expect(verified.body).toMatchObject({ billing: { invoiceId: 'INV-9', amount: { value: 24.99 } } });
    const approved = await t.call('POST', `/billing-appeals/${id}/decision`, {
      token: lead,
      json: { outcome: 'approve', note: 'Cancelled in time', refund: { value: 24.99, currency: 'USD' } },
    });
    expect(approved.body).toMatchObject({ status: 'approved', decision: { outcome: 'approved' } });
    expect((await t.call('GET', `/billing-appeals/${id}`, { token: eve })).body).toMatchObject({
      status: 'approved',
      refund: { amount: { value: 24.99 } },
    });
  });

  it('RCH SpyFocus: a refund above 149 needs a second, different lead or manager (four eyes)', async () => {
    const kai = await tokens.customer('rch-spyfocus', 'kai@example.com', 'Kai');
    const created = await t.call('POST', '/billing-appeals', {
      token: kai,
      json: { summary: 'Enterprise renewal charged twice', amount: { value: 1500, currency: 'USD' } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const verified = await t.call('POST', `/billing-appeals/${id}/verify`, {
      token: kai,
      json: { code: await codeFor(id, 'billing-identity-code') },
    });
    expect(verified.status).toBe(200);
    const decide = async (token: string, value: number) =>
      t.call('POST', `/billing-appeals/${id}/decision`, {
        token,
        json: { outcome: 'approve', note: 'Duplicate renewal', refund: { value, currency: 'USD' } },
      });
    const agent = await tokens.agent('rch-spyfocus');
    const first = await decide(agent, 1500);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'in-review', pendingApproval: { refund: { value: 1500 } } });
    expect((await decide(agent, 1500)).status).toBe(403); // the same approver twice
    const second = await decide(await tokens.lead('rch-spyfocus'), 1500);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'approved', refund: { amount: { value: 1500 } } });
    expect(second.body.history.at(-1)).toMatchObject({
      action: 'billing-appeal.approved',
      details: { firstApprover: 'agent-rch-spyfocus' },
    });
  });

  it('Acentus: an approved refund is due 7 business days later and escalates when it is not paid', async () => {
    await setClock('2032-06-11T10:00:00Z'); // Friday
    const customer = await tokens.customer('acentus', 'fay@example.com');
    const agent = await tokens.agent('acentus');
    const created = (
      await t.call('POST', '/billing-appeals', {
        token: customer,
        json: { summary: 'Double charge on invoice 77', amount: { value: 40, currency: 'EUR' } },
      })
    ).body;
    expect(created.stages).toEqual([
      { name: 'Billing review', startedAt: expect.stringMatching(/^2032-06-11T10:/), dueAt: null },
    ]);
    const approved = await t.call('POST', `/billing-appeals/${created.id}/decision`, {
      token: agent,
      json: { outcome: 'approve', note: 'Duplicate confirmed', refund: { value: 40, currency: 'EUR' } },
    });
    // Mon 14 … Tue 22 June, closing 17:00 UTC.
    expect(approved.body.refund).toMatchObject({ dueAt: '2032-06-22T17:00:00.000Z' });
    await setClock('2032-06-22T17:00:01Z');
    const manager = await tokens.manager('acentus');
    const late = (await t.call('GET', `/billing-appeals/${created.id}`, { token: manager })).body;
    expect(late.notices.at(-1)).toMatchObject({
      template: 'billing-appeal-refund-overdue',
      audience: 'manager',
    });
    const paid = await t.call('POST', `/billing-appeals/${created.id}/decision`, {
      token: agent,
      json: { outcome: 'refund-issued', reference: 'RF-77' },
    });
    expect(paid.body).toMatchObject({ status: 'refunded', refund: { reference: 'RF-77' } });
  });

  it('RareLogic: answered with the no-refunds policy, recorded, never lost', async () => {
    const customer = await tokens.customer('rarelogic', 'gus@example.com');
    const created = await t.call('POST', '/billing-appeals', {
      token: customer,
      json: { summary: 'Please refund last month' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'answered-by-policy',
      decision: { outcome: 'answered-by-policy', policy: 'There are no refunds for services rendered' },
    });
    const listed = await t.call('GET', '/billing-appeals', { token: await tokens.agent('rarelogic') });
    expect(listed.body.items.map((a: any) => a.id)).toContain(created.body.id);
    expect((await pendingNotices(created.body.id)).map((n) => n.template)).toEqual([
      'billing-identity-code',
      'billing-appeal-no-refunds',
    ]);
  });
});

describe('retention purge on the virtual clock (RCH SpyFocus diagnostic logs: 90 days)', () => {
  it('purges one second past the cut-off, keeps held and newer logs; the dry run changes nothing', async () => {
    await setClock('2033-01-03T17:00:00Z');
    const customer = await tokens.customer('rch-spyfocus', 'hal@example.com');
    const ticket = await openTicket(customer, 'App crashes on start', 'Crash log attached.');
    const heldTicket = await openTicket(customer, 'Crash under review', 'Kept for a dispute.');
    const upload = async (ticketId: string, name: string) =>
      (
        await t.call('POST', `/tickets/${ticketId}/attachments`, {
          token: customer,
          json: {
            filename: name,
            contentType: 'text/plain',
            dataClass: 'diagnostic-logs',
            contentBase64: Buffer.from(name).toString('base64'),
          },
        })
      ).body;
    const older = await upload(ticket.id, 'older.log');
    const held = await upload(heldTicket.id, 'held.log');
    await t.call('POST', '/_local/clock', { json: { advance: 'PT2S' } });
    const newer = await upload(ticket.id, 'newer.log');
    expect(Date.parse(newer.createdAt) - Date.parse(older.createdAt)).toBeGreaterThanOrEqual(2000);
    const lead = await tokens.lead('rch-spyfocus');
    await t.call('POST', '/legal-holds', {
      token: lead,
      json: { ticketId: heldTicket.id, reason: 'Billing dispute evidence' },
    });

    // 90 days after the newer upload, less one second: the daily purge fires on the jump. Its cut-off
    // falls one second before the newer log (kept) and at least a second after the older one (purged).
    const jumpTo = new Date(Date.parse(newer.createdAt) + 90 * DAY - 1000).toISOString();
    await setClock(jumpTo);
    const attachmentIds = async () =>
      (await scanTable()).filter((i) => i.kind === 'attachment').map((i) => i.id);
    const remaining = await attachmentIds();
    expect(remaining).not.toContain(older.id);
    expect(remaining).toEqual(expect.arrayContaining([newer.id, held.id]));
    const manager = await tokens.manager('rch-spyfocus');
    const audit = (
      await t.call('GET', `/compliance/audit?from=${jumpTo.slice(0, 10)}&to=2033-04-10`, { token: manager })
    ).body.items;
    const finished = audit.find((e: any) => e.action === 'purge.finished');
    expect(finished.details).toMatchObject({
      'diagnostic-logs.purged': 1,
      'diagnostic-logs.keptLegalHold': 1,
    });

    // Dry run: the held log is kept; after the release it would go; nothing changes until the job runs.
    // (Real time keeps the virtual clock moving: by now the newer log may have crossed the cut-off too.)
    const preview = await t.call('POST', '/retention/preview', { token: lead, json: { totals: true } });
    expect(preview.body.candidates['diagnostic-logs']).toBeGreaterThanOrEqual(1);
    expect(preview.body.page).toMatchObject({ dataClass: 'diagnostic-logs', keptLegalHold: 1 });
    expect(preview.body.page.items.map((i: any) => i.id)).not.toContain(held.id);
    expect(
      (await t.call('POST', '/retention/preview', { token: await tokens.agent('rch-spyfocus'), json: {} }))
        .status,
    ).toBe(403);
    await t.call('POST', `/legal-holds/tk-${heldTicket.id}/release`, {
      token: lead,
      json: { reason: 'Dispute settled in May' },
    });
    const before = JSON.stringify(await scanTable());
    const cli = await promisify(execFile)(
      'npx',
      ['tsx', 'local/purge-cli.ts', '--dry-run', '--desk', 'rch-spyfocus', '--list', '--url', t.url],
      { cwd: process.cwd(), env: { ...process.env, NO_COLOR: '1' } },
    );
    // Real time keeps the virtual clock moving, so the newer log may have crossed the cut-off by now too.
    expect(cli.stdout).toMatch(/rch-spyfocus\s+diagnostic-logs\s+90\s+\S+\s+[12]\s+[12]\s+0\s+0/);
    expect(cli.stdout).toContain('nothing was changed');
    expect(cli.stdout).toContain(held.id);
    expect(JSON.stringify(await scanTable())).toBe(before);

    const job = await t.call('POST', '/_local/jobs/retention-purge');
    expect(job.body.status).toBe('SUCCEEDED');
    expect(await attachmentIds()).not.toContain(held.id);
  }, 120_000);
});
