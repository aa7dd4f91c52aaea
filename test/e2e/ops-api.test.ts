import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSurveyKeyring } from '#local/survey-secret.ts';
import type { Keyring } from '#shared/secrets/keyring.ts';
import { surveyPath } from '#shared/survey/link.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * The ops console's API on the local stack: queue, execution history, KPIs, the closure survey
 * and the status feed. Fixed 2031 dates in increasing order (the virtual clock only moves forward).
 */
let t: TestStack;
let secret: Keyring;
/** Links valid whatever the virtual clock says (expiry is tested in the unit tests). */
const LATER = new Date('2100-01-01T00:00:00Z');

beforeAll(async () => {
  t = await startTestStack();
  // The stack generated it in its data directory and serves it to the handlers (local Secrets Manager).
  secret = localSurveyKeyring(t.stack.dataDir);
});
afterAll(() => t.stop());

async function at(iso: string) {
  const res = await t.call('POST', '/_local/clock', { json: { set: iso } });
  expect(res.status).toBe(200);
}
async function advance(duration: string) {
  const res = await t.call('POST', '/_local/clock', { json: { advance: duration } });
  expect(res.status).toBe(200);
}

async function open(desk: string, body: Record<string, unknown>, email = 'pat@example.com') {
  const res = await t.call('POST', '/tickets', {
    token: await t.token('app', desk),
    json: { subject: 'Help', description: 'Details', requester: { email }, ...body },
  });
  expect(res.status).toBe(201);
  await t.stack.settle();
  return res.body as { id: string; createdAt: string };
}

async function reply(desk: string, id: string, body = 'On it.', extra: Record<string, unknown> = {}) {
  const res = await t.call('POST', `/tickets/${id}/messages`, {
    token: await t.token('agent', desk),
    json: { body, ...extra },
  });
  expect(res.status).toBe(201);
  await t.stack.settle();
}

async function customerWrites(desk: string, id: string, email = 'pat@example.com') {
  const res = await t.call('POST', `/tickets/${id}/messages`, {
    token: await t.token('customer', desk, { email }),
    json: { body: 'It happens again.' },
  });
  expect(res.status).toBe(201);
  await t.stack.settle();
}

async function setStatus(desk: string, id: string, status: string) {
  const token = await t.token('agent', desk);
  const current = await t.call('GET', `/tickets/${id}`, { token });
  const res = await t.call('PATCH', `/tickets/${id}`, {
    token,
    json: { status },
    headers: { 'if-match': current.headers.get('etag')! },
  });
  expect(res.status).toBe(200);
  await t.stack.settle();
}

describe('GET /queue', () => {
  let urgent: { id: string };
  let normal: { id: string };

  it('puts the breached ticket first, with time left, risk level and label', async () => {
    await at('2031-06-02T13:00:00Z'); // Monday
    // TechFlow Enterprise Priority 1: "Response: 15 minutes (Enterprise)", 24/7 (docs/policies/001-techflow.txt).
    normal = await open('techflow', { priority: 'normal', plan: 'enterprise' });
    urgent = await open('techflow', { priority: 'urgent', plan: 'enterprise' });
    await advance('PT20M');
    const lead = await t.token('lead', 'techflow');
    const res = await t.call('GET', '/queue', { token: lead });
    expect(res.status).toBe(200);
    expect(res.body.desk).toBe('techflow');
    expect(res.body.timeZone).toBe('America/New_York');
    const first = res.body.items[0];
    expect(first.ticket.id).toBe(urgent.id);
    expect(first.risk).toMatchObject({ level: 'breached', label: 'Breached' });
    expect(first.risk.reason).toMatch(/^first-response target of 15 calendar min missed/);
    expect(first.next).toMatchObject({ metric: 'first-response', clock: 'calendar', targetMinutes: 15 });
    expect(first.next.minutesLeft).toBeLessThanOrEqual(-4);
    const second = res.body.items.find((i: { ticket: { id: string } }) => i.ticket.id === normal.id);
    expect(second.risk.level).not.toBe('breached');
    expect(second.next.minutesLeft).toBeGreaterThan(0);
    expect(res.body.counts.breached).toBe(1);
    expect(res.body.truncated).toBe(false);
  });

  it('filters by risk and refuses customers and other desks', async () => {
    const lead = await t.token('lead', 'techflow');
    const breached = await t.call('GET', '/queue?risk=breached', { token: lead });
    expect(breached.body.items.map((i: { ticket: { id: string } }) => i.ticket.id)).toEqual([urgent.id]);
    const customer = await t.token('customer', 'techflow', { email: 'pat@example.com' });
    expect((await t.call('GET', '/queue', { token: customer })).status).toBe(403);
    expect((await t.call('GET', '/queue?desk=acentus', { token: lead })).status).toBe(404);
    const bad = await t.call('GET', '/queue?risk=doomed&limit=0', { token: lead });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['?limit', '?risk']);
    expect((await t.call('GET', '/queue')).status).toBe(401);
  });

  it('pages across every open status with a cursor, and refuses a forged one', async () => {
    const lead = await t.token('lead', 'techflow');
    const first = await t.call('GET', '/queue?limit=1', { token: lead });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.truncated).toBe(true);
    const ids = [first.body.items[0].ticket.id];
    let cursor: string | null = first.body.nextCursor;
    while (cursor) {
      const next = await t.call('GET', `/queue?limit=1&cursor=${cursor}`, { token: lead });
      expect(next.status).toBe(200);
      ids.push(...next.body.items.map((i: { ticket: { id: string } }) => i.ticket.id));
      cursor = next.body.nextCursor;
    }
    expect(new Set(ids)).toEqual(new Set([urgent.id, normal.id]));
    const forged = Buffer.from(JSON.stringify({ solved: 'x' })).toString('base64url');
    const bad = await t.call('GET', `/queue?cursor=${forged}`, { token: lead });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['?cursor']);
  });

  it('counts time left in business time (RareLogic: 2 business hours, Mon–Fri 9–5 Toronto)', async () => {
    await at('2031-06-06T20:00:00Z'); // Friday 16:00 in Toronto
    const ticket = await open('rarelogic', { priority: 'normal' });
    await at('2031-06-09T12:00:00Z'); // Monday 08:00: one business hour used on Friday, none since
    const res = await t.call('GET', '/queue', { token: await t.token('ops', 'rarelogic') });
    const row = res.body.items.find((i: { ticket: { id: string } }) => i.ticket.id === ticket.id);
    expect(row.next).toMatchObject({ metric: 'first-response', clock: 'business', minutesLeft: 60 });
    expect(row.risk.level).toBe('on-track');
  });
});

describe('GET /tickets/{id}/history', () => {
  it('shows the breached ticket’s workflow as readable steps, raw data on demand', async () => {
    const ticket = await open('techflow', { priority: 'urgent', plan: 'enterprise' });
    await advance('PT16M');
    const ops = await t.token('ops', 'techflow');
    const res = await t.call('GET', `/tickets/${ticket.id}/history`, { token: ops });
    expect(res.status).toBe(200);
    const [execution] = res.body.executions;
    expect(execution.name).toBe(ticket.id);
    expect(execution.status).toBe('RUNNING');
    expect(execution.consoleUrl).toBeNull(); // local account: no AWS console
    const steps = execution.steps as Array<Record<string, any>>;
    expect(steps[0]).toMatchObject({ name: 'Execution started', kind: 'Execution' });
    expect(steps[0]!.summary).toEqual([`Started for ticket ${ticket.id}.`]);
    const applies = steps.filter((s) => s.name === 'Apply due SLA actions and plan the next checkpoint');
    expect(applies[0]!.summary.at(-1)).toMatch(/^Plans to look again at /);
    const breach = applies.find((s) =>
      s.summary.some((l: string) => /target 15 calendar min missed/.test(l)),
    );
    expect(breach).toBeDefined();
    // Two states per wake: each Apply step goes straight to the sleep (no Choice state any more).
    expect(steps.some((s) => s.kind === 'Choice')).toBe(false);
    const afterApply = steps[steps.indexOf(applies[0]!) + 1];
    expect(afterApply?.name).toBe('Sleep until the next SLA checkpoint or a ticket change');
    const slept = steps.find((s) => s.outcome === 'timed-out');
    expect(slept?.summary[0]).toMatch(/Slept until the SLA checkpoint/);
    // The warning sleep ended at 11:15 (75 % of 15 minutes): time between steps is on the virtual clock.
    expect(slept?.durationMs).toBeGreaterThanOrEqual(11 * 60_000);
    expect(steps.every((s) => s.input === undefined && s.output === undefined)).toBe(true);

    const withData = await t.call('GET', `/tickets/${ticket.id}/history?includeData=true`, { token: ops });
    const applyWithData = withData.body.executions[0].steps.find((s: { kind: string }) => s.kind === 'Task');
    expect(JSON.parse(applyWithData.input)).toMatchObject({ ticketId: ticket.id, desk: 'techflow' });
    expect(JSON.parse(applyWithData.output)).toMatchObject({ next: 'sleep' });
  });

  it('is for staff of the desk only', async () => {
    const ticket = await open('techflow', { priority: 'low' }, 'sam@example.com');
    const customer = await t.token('customer', 'techflow', { email: 'sam@example.com' });
    expect((await t.call('GET', `/tickets/${ticket.id}/history`, { token: customer })).status).toBe(403);
    const otherDesk = await t.token('ops', 'acentus');
    expect((await t.call('GET', `/tickets/${ticket.id}/history`, { token: otherDesk })).status).toBe(404);
  });
});

describe('closure survey and KPIs (Acentus)', () => {
  let a: { id: string };
  let b: { id: string };

  it('the signed link opens a page once the ticket is solved, and records one answer', async () => {
    await at('2031-07-01T10:00:00Z'); // Tuesday, Acentus 9–5 UTC
    a = await open('acentus', { priority: 'normal' });
    const link = surveyPath(secret, 'acentus', a.id, LATER);
    const early = await t.call('GET', link);
    expect(early.status).toBe(409); // not resolved yet
    await advance('PT10M');
    await reply('acentus', a.id, 'Fixed: cleared the cache.', { timeSpentSeconds: 480 });
    await setStatus('acentus', a.id, 'solved');

    const page = await t.call('GET', link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.body).toContain('name="csat" value="5"');
    expect(page.body).toContain('name="nps" value="10"');

    const sent = await fetch(`${t.url}${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csat=5&nps=10&comment=Quick+and+kind',
    });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Thank you');
    const again = await fetch(`${t.url}${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csat=1&nps=0',
    });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Already answered');
    const json = await t.call('POST', link, { json: { csat: 1 } });
    expect(json.status).toBe(409);
    expect(json.body.type).toBe('/problems/survey-already-answered');
  });

  it('refuses altered links and bad scores with a clear answer', async () => {
    b = await open('acentus', { priority: 'normal' }, 'kim@example.com');
    const goodForA = surveyPath(secret, 'acentus', a.id, LATER);
    const altered = goodForA.replace(a.id, b.id);
    const res = await t.call('GET', altered);
    expect(res.status).toBe(403);
    expect(res.body).toContain('not valid');
    expect((await t.call('GET', `/survey/acentus/${b.id}`)).status).toBe(403);
    const bad = await t.call('POST', surveyPath(secret, 'acentus', b.id, LATER), {
      json: { csat: 7, nps: 11 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/csat', '/nps']);
  });

  it('GET /kpis compares the numbers with the Playbook’s targets', async () => {
    // B: reply, customer writes, reply, solved, reopened by the customer, solved again.
    await reply('acentus', b.id, 'Try this.', { timeSpentSeconds: 600 });
    await advance('PT20M');
    await customerWrites('acentus', b.id, 'kim@example.com');
    await reply('acentus', b.id, 'And this.', { timeSpentSeconds: 300 });
    await setStatus('acentus', b.id, 'solved');
    await customerWrites('acentus', b.id, 'kim@example.com');
    await advance('PT30M');
    await setStatus('acentus', b.id, 'solved');
    const answered = await t.call('POST', surveyPath(secret, 'acentus', b.id, LATER), {
      json: { csat: 3, nps: 6 },
    });
    expect(answered.status).toBe(201);

    const lead = await t.token('lead', 'acentus');
    const res = await t.call('GET', '/kpis?period=30d&trend=daily', { token: lead });
    expect(res.status).toBe(200);
    const kpi = (name: string) => res.body.kpis.find((k: { kpi: string }) => k.kpi === name);
    expect(res.body.population).toMatchObject({ tickets: 2, surveys: 2 });
    // "Realistic internal goals: FCR > 70%, CSAT ≥ 4.3/5, NPS ≥ 40 for B2B" and "reopen rate (<5% target)"
    expect(kpi('firstContactResolution')).toMatchObject({ value: 0.5, basis: 2, verdict: 'missed' });
    expect(kpi('firstContactResolution').target).toMatchObject({
      comparator: '>',
      value: 0.7,
      text: '> 70 %',
    });
    expect(kpi('csat')).toMatchObject({ value: 4, basis: 2, verdict: 'missed' });
    expect(kpi('nps')).toMatchObject({ value: 0, verdict: 'missed' });
    expect(kpi('reopenRate')).toMatchObject({ value: 0.5, verdict: 'missed' });
    // 8 min on A; 10 + 5 min on B
    expect(kpi('averageHandleTime')).toMatchObject({ value: 11.5, basis: 2, verdict: 'no-target' });
    // A answered after 10 minutes, B at once: nearest-rank median is B's, the mean 5 minutes.
    expect(kpi('firstResponseTime').value).toBeLessThan(1);
    expect(kpi('firstResponseTime').detail.meanMinutes).toBeCloseTo(5, 0);
    expect(res.body.slaAttainment.byMetric['first-response'].byPriority.normal.measured).toBe(2);
    expect(res.body.trend.points).toHaveLength(31);
    expect(res.body.trend.points.at(-1)).toMatchObject({ label: '2031-07-01', tickets: 2, resolved: 2 });
    expect(res.body.policy.cadence).toMatch(/tracked daily and trended weekly/);

    const weekly = await t.call('GET', '/kpis?period=90d&trend=weekly', { token: lead });
    expect(weekly.body.trend.points.length).toBeGreaterThanOrEqual(13);
    expect((await t.call('GET', '/kpis', { token: await t.token('agent', 'acentus') })).status).toBe(403);
    expect((await t.call('GET', '/kpis?period=7d', { token: lead })).status).toBe(400);
  });
});

describe('incidents and the status feed (Acentus)', () => {
  let incident: { id: string; version: number };

  it('ops opens an incident linked to tickets; it is on the public feeds without internals', async () => {
    const ops = await t.token('ops', 'acentus');
    const tickets = await t.call('GET', '/tickets?limit=5', { token: ops });
    const linked = tickets.body.items[0].id as string;
    const res = await t.call('POST', '/incidents', {
      token: ops,
      json: {
        title: 'Login failures in EU',
        impact: 'major',
        message: 'We are investigating failed logins for EU accounts.',
        ticketIds: [linked],
      },
      headers: { 'idempotency-key': 'incident-eu-login-0001' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    incident = res.body;
    expect(res.body).toMatchObject({ status: 'investigating', ticketIds: [linked], reviewState: 'not-due' });

    const feed = await t.call('GET', '/desks/acentus/status.json');
    expect(feed.status).toBe(200);
    expect(feed.body.status).toMatchObject({
      indicator: 'major',
      description: 'Partial outage',
      openIncidents: 1,
    });
    expect(feed.body.incidents[0]).toMatchObject({ id: incident.id, title: 'Login failures in EU' });
    expect(JSON.stringify(feed.body)).not.toContain(linked);
    expect(feed.body.links.rss).toBe(`${t.url}/desks/acentus/status.rss`);
    const rss = await fetch(`${t.url}/desks/acentus/status.rss`);
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(await rss.text()).toContain('<title>Investigating: Login failures in EU</title>');
    expect((await t.call('GET', '/desks/nowhere/status.json')).status).toBe(404);
  });

  it('refuses agents, unknown tickets and a status change without a message', async () => {
    const agent = await t.token('agent', 'acentus');
    const denied = await t.call('POST', '/incidents', {
      token: agent,
      json: { title: 'x', impact: 'minor', message: 'x' },
    });
    expect(denied.status).toBe(403);
    const ops = await t.token('ops', 'acentus');
    const unknown = await t.call('POST', '/incidents', {
      token: ops,
      json: { title: 'x', impact: 'minor', message: 'x', ticketIds: ['01JAAAAAAAAAAAAAAAAAAAAAAA'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ pointer: '/ticketIds/0', detail: 'no such ticket on this desk' }]);
    const silent = await t.call('PATCH', `/incidents/${incident.id}`, {
      token: ops,
      json: { status: 'resolved' },
      headers: { 'if-match': '"1"' },
    });
    expect(silent.status).toBe(400);
    expect(silent.body.errors[0].pointer).toBe('/message');
  });

  it('resolving sets the review due 72 h later; the sweep marks it overdue, then late, until done', async () => {
    const ops = await t.token('ops', 'acentus');
    const resolved = await t.call('PATCH', `/incidents/${incident.id}`, {
      token: ops,
      json: { status: 'resolved', message: 'Fixed: an expired certificate was replaced.' },
      headers: { 'if-match': '"1"' },
    });
    expect(resolved.status).toBe(200);
    const resolvedAt = Date.parse(resolved.body.resolvedAt);
    // "a post-incident report (PIR) issued within 72–120 hours of resolution"
    expect(Date.parse(resolved.body.review.dueAt) - resolvedAt).toBe(72 * 3_600_000);
    expect(Date.parse(resolved.body.review.latestAt) - resolvedAt).toBe(120 * 3_600_000);
    expect(resolved.body.reviewState).toBe('due');
    expect((await t.call('GET', '/desks/acentus/status.json')).body.status.indicator).toBe('none');

    await advance('PT73H');
    let read = await t.call('GET', `/incidents/${incident.id}`, { token: ops });
    expect(read.body.reviewState).toBe('overdue');
    expect(read.body.review.events.map((e: { type: string }) => e.type)).toEqual(['due-passed']);
    await advance('PT48H');
    read = await t.call('GET', `/incidents/${incident.id}`, { token: ops });
    expect(read.body.reviewState).toBe('late');
    expect(read.body.review.events.map((e: { type: string }) => e.type)).toEqual([
      'due-passed',
      'latest-passed',
    ]);

    const done = await t.call('PATCH', `/incidents/${incident.id}`, {
      token: ops,
      json: { review: { completed: true, url: 'https://wiki.example.com/pir/eu-login' } },
      headers: { 'if-match': read.headers.get('etag')! },
    });
    expect(done.status).toBe(200);
    expect(done.body.reviewState).toBe('completed');
    const list = await t.call('GET', '/incidents', { token: await t.token('agent', 'acentus') });
    expect(list.body.items[0]).toMatchObject({ id: incident.id, reviewState: 'completed' });
  });
});
