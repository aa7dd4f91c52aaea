import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/**
 * Staff authority over promises (the pack decides who may loosen them), assignees from the staff
 * directory, customers' priority entitlement and tags, and what customers see of their tickets.
 */
let t: TestStack;
let agent: string;
let lead: string;
let enterpriseCustomer: string;
let standardCustomer: string;
const CUSTOMER_EMAIL = 'auth-customer@example.com';

beforeAll(async () => {
  t = await startTestStack();
  agent = await t.token('agent', 'techflow', {
    sub: 'techflow-agent',
    email: 'techflow-agent@staff.example.com',
  });
  lead = await t.token('lead', 'techflow', {
    sub: 'techflow-lead',
    email: 'techflow-lead@staff.example.com',
  });
  enterpriseCustomer = await t.token('customer', 'techflow', {
    sub: 'cust-ent',
    email: CUSTOMER_EMAIL,
    plan: 'enterprise',
  });
  standardCustomer = await t.token('customer', 'techflow', {
    sub: 'cust-std',
    email: 'auth-standard@example.com',
    plan: 'standard',
  });
});
afterAll(() => t.stop());

async function openTicket(token: string, json: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/tickets', {
    token,
    json: { subject: 'Dashboard', description: 'The dashboard is slow for us.', ...json },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number; priority: string; requestedPriority?: string };
}

async function patch(id: string, token: string, json: unknown) {
  const current = await t.call('GET', `/tickets/${id}`, { token: lead });
  return t.call('PATCH', `/tickets/${id}`, {
    token,
    json,
    headers: { 'if-match': current.headers.get('etag')! },
  });
}

describe('loosening a promise needs the authority the pack names', () => {
  it.each([
    ['plan downgrade', { plan: 'standard' }, '/plan', 'plan-downgrade'],
    ['priority downgrade', { priority: 'low' }, '/priority', 'priority-downgrade'],
  ])(
    'an agent is refused a %s (403 naming the field and role); a lead may',
    async (_, change, pointer, kind) => {
      const { id } = await openTicket(enterpriseCustomer, { priority: 'high' });
      const refused = await patch(id, agent, change);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.body.type).toBe('/problems/authority-required');
      expect(refused.body.errors).toEqual([
        expect.objectContaining({ pointer, change: kind, requiredRole: 'lead' }),
      ]);
      const allowed = await patch(id, lead, change);
      expect(allowed.status).toBe(200);
      expect(allowed.body).toMatchObject(change);
    },
  );

  it('tier down: agents are refused at TechFlow, allowed with a recorded reason at RCH SpyFocus', async () => {
    const { id } = await openTicket(enterpriseCustomer);
    expect((await patch(id, agent, { tier: 3 })).status).toBe(200);
    const down = await patch(id, agent, { tier: 1 });
    expect(down.status).toBe(403);
    expect(down.body.errors[0]).toMatchObject({ pointer: '/tier', requiredRole: 'lead' });
    expect((await patch(id, lead, { tier: 1 })).status).toBe(200);

    const rchAgent = await t.token('agent', 'rch-spyfocus');
    const rchCustomer = await t.token('customer', 'rch-spyfocus', {
      sub: 'rch-c',
      email: 'rch-c@example.com',
    });
    const rch = await t.call('POST', '/tickets', {
      token: rchCustomer,
      json: { subject: 'Logs', description: 'Please look at my logs' },
    });
    const rchPatch = async (json: unknown, version: number) =>
      t.call('PATCH', `/tickets/${rch.body.id}`, {
        token: rchAgent,
        json,
        headers: { 'if-match': `"${version}"` },
      });
    expect((await rchPatch({ tier: 2 }, 1)).status).toBe(200);
    const noReason = await rchPatch({ tier: 1 }, 2);
    expect(noReason.status).toBe(403);
    expect(noReason.body.errors[0]).toMatchObject({ pointer: '/tier', requiredRole: 'agent-with-reason' });
    const withReason = await rchPatch({ tier: 1, reason: 'handed back: password reset only' }, 2);
    expect(withReason.status).toBe(200);
    expect(withReason.body.tier).toBe(1);
  });

  it('solving an unanswered urgent ticket needs a lead; once answered, an agent may', async () => {
    const { id } = await openTicket(enterpriseCustomer, { priority: 'urgent' });
    const refused = await patch(id, agent, { status: 'solved' });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ pointer: '/status', change: 'close-unanswered-urgent' });
    const reply = await t.call('POST', `/tickets/${id}/messages`, { token: agent, json: { body: 'On it.' } });
    expect(reply.status).toBe(201);
    expect((await patch(id, agent, { status: 'solved' })).status).toBe(200);
  });
});

describe('assignees come from the staff directory', () => {
  it('refuses an assignee outside the desk directory (422 at /assignee), accepts a staff member', async () => {
    const { id } = await openTicket(enterpriseCustomer);
    for (const outsider of ['attacker@evil.example', 'acentus-agent', 'nobody']) {
      const res = await patch(id, agent, { assignee: outsider });
      expect(res.status, outsider).toBe(422);
      expect(res.body.errors).toEqual([{ pointer: '/assignee', detail: 'not a staff member of this desk' }]);
    }
    const ok = await patch(id, agent, { assignee: 'techflow-agent-2' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ assignee: 'techflow-agent-2' });

    const seen = await t.call('GET', `/tickets/${id}`, { token: enterpriseCustomer });
    expect(seen.body).toMatchObject({ assigned: true, agent: 'Ben' });
    expect(JSON.stringify(seen.body)).not.toContain('techflow-agent-2');
  });
});

describe("a customer's priority is a request checked against the plan", () => {
  it('a Standard customer asking for P1 gets the entitled priority, the request kept, no on-call page', async () => {
    const ticket = await openTicket(standardCustomer, { priority: 'urgent', description: 'Complete outage' });
    expect(ticket).toMatchObject({ priority: 'high', requestedPriority: 'urgent' });
    await t.stack.settle();
    const staffView = await eventually(async () => {
      const r = await t.call('GET', `/tickets/${ticket.id}`, { token: lead });
      return r.body.sla?.packVersion ? r.body : undefined;
    }, 'workflow to plan');
    expect(staffView).toMatchObject({ priority: 'high', requestedPriority: 'urgent' });
    const pages = (staffView.mail ?? []).filter((m: { audience: string }) => m.audience === 'on-call');
    expect(pages).toEqual([]);
  });

  it('staff confirming the requested P1 pages on-call and clears the request', async () => {
    const ticket = await openTicket(standardCustomer, { priority: 'urgent' });
    expect(ticket).toMatchObject({ priority: 'high', requestedPriority: 'urgent' });
    await t.stack.settle();
    const confirmed = await patch(ticket.id, agent, { priority: 'urgent' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.priority).toBe('urgent');
    expect(confirmed.body).not.toHaveProperty('requestedPriority');
    await t.stack.settle();
    await eventually(async () => {
      const r = await t.call('GET', `/tickets/${ticket.id}`, { token: lead });
      return (r.body.mail ?? []).some((m: { audience: string }) => m.audience === 'on-call')
        ? r.body
        : undefined;
    }, 'on-call page after confirmation');
  });

  it('an Enterprise customer opens P1 directly and on-call is paged', async () => {
    const ticket = await openTicket(enterpriseCustomer, { priority: 'urgent' });
    expect(ticket.priority).toBe('urgent');
    expect(ticket.requestedPriority).toBeUndefined();
    await t.stack.settle();
    await eventually(async () => {
      const r = await t.call('GET', `/tickets/${ticket.id}`, { token: lead });
      return (r.body.mail ?? []).some((m: { audience: string }) => m.audience === 'on-call')
        ? r.body
        : undefined;
    }, 'on-call page');
  });

  it('refuses tags customers may not set (422 at the tag)', async () => {
    const res = await t.call('POST', '/tickets', {
      token: standardCustomer,
      json: { subject: 'x', description: 'y', tags: ['queue-security'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { pointer: '/tags/0', detail: 'customers may not set tags on this desk' },
    ]);
  });
});

describe('customers see the customer view on every route', () => {
  const STAFF_ONLY = ['tier', 'tags', 'assignee', 'assigneeContact'];
  const expectCustomerView = (ticket: Record<string, unknown>) => {
    for (const key of STAFF_ONLY) expect(ticket, key).not.toHaveProperty(key);
    expect(ticket).toHaveProperty('assigned');
    expect(JSON.stringify(ticket)).not.toMatch(/techflow-(agent|lead)/);
  };

  it('create, get, list and message responses carry no tier, tags or staff ids', async () => {
    const created = await t.call('POST', '/tickets', {
      token: enterpriseCustomer,
      json: { subject: 'View', description: 'Projection check' },
    });
    expectCustomerView(created.body);
    const id = created.body.id;
    expect((await patch(id, lead, { assignee: 'techflow-lead', tier: 2 })).status).toBe(200);
    await t.call('POST', `/tickets/${id}/messages`, { token: agent, json: { body: 'Looking now.' } });
    await t.call('POST', `/tickets/${id}/messages`, {
      token: agent,
      json: { body: 'internal only', visibility: 'internal' },
    });

    const got = await t.call('GET', `/tickets/${id}`, { token: enterpriseCustomer });
    expectCustomerView(got.body);
    expect(got.body).toMatchObject({ assigned: true, agent: 'Lee' });
    expect(got.body.messages.map((m: { author: unknown }) => m.author)).toEqual([
      { role: 'customer' },
      { role: 'agent', name: 'Lee' },
    ]);

    const list = await t.call('GET', '/tickets', { token: enterpriseCustomer });
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) expectCustomerView(item);

    const replied = await t.call('POST', `/tickets/${id}/messages`, {
      token: enterpriseCustomer,
      json: { body: 'Thanks' },
    });
    expect(replied.status).toBe(201);
    expectCustomerView(replied.body.ticket);
    expect(replied.body.message.author).toEqual({ role: 'customer' });

    expect((await t.call('GET', `/tickets/${id}/sla`, { token: enterpriseCustomer })).status).toBe(403);

    // Staff still see everything.
    const staff = await t.call('GET', `/tickets/${id}`, { token: agent });
    expect(staff.body).toMatchObject({ tier: 2, assignee: 'techflow-lead' });
  });
});

describe("notices to the assignee go to the directory's address", () => {
  // Last in the file: it moves the virtual clock.
  it('an SLA warning for an assigned ticket is mailed to the staff member, and to nobody the assignee names', async () => {
    const { id } = await openTicket(enterpriseCustomer, { priority: 'normal' });
    const refused = await patch(id, agent, { assignee: 'outsider@evil.example' });
    expect(refused.status).toBe(422);
    expect((await patch(id, agent, { assignee: 'techflow-agent-2' })).status).toBe(200);
    await t.stack.settle();
    // Enterprise normal: first response in 4 hours, warned before the breach.
    expect((await t.call('POST', '/_local/clock', { json: { advance: 'PT5H' } })).status).toBe(200);
    await t.stack.settle();
    const toAssignee = await eventually(async () => {
      const items = (await t.call('GET', '/_local/outbox')).body.items as Array<{
        to: string[];
        subject: string;
      }>;
      const mine = items.filter(
        (m) => m.to.includes('techflow-agent-2@staff.example.com') && m.subject.includes(id),
      );
      return mine.length ? items : undefined;
    }, 'a notice to the assignee');
    expect(toAssignee.some((m) => m.to.some((to) => to.includes('evil.example')))).toBe(false);
  });
});
