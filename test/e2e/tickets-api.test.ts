import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let t: TestStack;
let customer: string;
let otherCustomer: string;
let agent: string;
let lead: string;
let otherDeskAgent: string;
let app: string;

beforeAll(async () => {
  t = await startTestStack();
  customer = await t.token('customer', 'techflow');
  otherCustomer = await t.token('customer', 'techflow', { sub: 'c-2', email: 'other@example.com' });
  agent = await t.token('agent', 'techflow');
  lead = await t.token('lead', 'techflow');
  otherDeskAgent = await t.token('agent', 'acentus');
  app = await t.token('app', 'techflow', { sub: 'mobile-app' });
});
afterAll(() => t.stop());

const newTicket = {
  subject: 'Cannot log in',
  description: 'The login page rejects my password.',
  priority: 'high',
};

async function deskTicketCount(): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await t.call('GET', `/tickets?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
      token: agent,
    });
    count += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return count;
}

describe('a customer opens, reads and follows up a ticket', () => {
  it('creates a ticket with an ETag and a Location', async () => {
    const res = await t.call('POST', '/tickets', { token: customer, json: newTicket });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`/tickets/${res.body.id}`);
    expect(res.body).toMatchObject({
      desk: 'techflow',
      status: 'new',
      priority: 'high',
      channel: 'api',
      // The customer view: whether someone works on it, never the tier or staff ids.
      assigned: false,
      requester: { email: 'customer@example.com' },
    });
    expect(res.body).not.toHaveProperty('tier');
    const got = await t.call('GET', `/tickets/${res.body.id}`, { token: customer });
    expect(got.status).toBe(200);
    expect(got.body.messages).toHaveLength(1);
    expect(got.body.messages[0]).toMatchObject({ body: newTicket.description, author: { role: 'customer' } });
  });

  it('returns the same ticket when a create is retried with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'retry-test-0001' };
    const first = await t.call('POST', '/tickets', { token: customer, json: newTicket, headers });
    const before = await deskTicketCount();
    const second = await t.call('POST', '/tickets', { token: customer, json: newTicket, headers });
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await deskTicketCount()).toBe(before);
    const reused = await t.call('POST', '/tickets', {
      token: customer,
      json: { ...newTicket, subject: 'x' },
      headers,
    });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
  });

  it('keeps long bodies out of the item and returns them whole', async () => {
    const long = 'Stack trace line\n'.repeat(2000);
    const res = await t.call('POST', '/tickets', {
      token: customer,
      json: { ...newTicket, description: long },
    });
    expect(res.status).toBe(201);
    const got = await t.call('GET', `/tickets/${res.body.id}`, { token: customer });
    expect(got.body.messages[0].body).toBe(long.trim());
  });

  it('lets the agent reply, hides internal notes from the customer, and reopens on a customer reply', async () => {
    const { body: ticket } = await t.call('POST', '/tickets', { token: customer, json: newTicket });
    const note = await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: agent,
      json: { body: 'Looks like SSO misconfig', visibility: 'internal' },
    });
    expect(note.status).toBe(201);
    expect(note.body.ticket.status).toBe('new');
    const reply = await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: agent,
      json: { body: 'Please try again now.' },
    });
    expect(reply.body.ticket.status).toBe('open');
    const pending = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: agent,
      json: { status: 'pending' },
      headers: { 'if-match': reply.headers.get('etag')! },
    });
    expect(pending.status).toBe(200);
    expect(pending.body.status).toBe('pending');
    const customerReply = await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: customer,
      json: { body: 'Still broken.' },
    });
    expect(customerReply.body.ticket.status).toBe('open');

    const asCustomer = await t.call('GET', `/tickets/${ticket.id}`, { token: customer });
    expect(asCustomer.body.messages.map((m: { body: string }) => m.body)).toEqual([
      newTicket.description,
      'Please try again now.',
      'Still broken.',
    ]);
    const asAgent = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(asAgent.body.messages).toHaveLength(4);
    expect(asAgent.body.messages[1]).toMatchObject({ visibility: 'internal', author: { role: 'agent' } });
  });

  it('forbids customers from writing internal notes', async () => {
    const { body: ticket } = await t.call('POST', '/tickets', { token: customer, json: newTicket });
    const res = await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: customer,
      json: { body: 'x', visibility: 'internal' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { pointer: '/visibility', detail: 'only support staff can write internal notes' },
    ]);
  });
});

describe('updates use optimistic concurrency', () => {
  it('requires If-Match, rejects a stale version with 412 and applies a current one', async () => {
    const { body: ticket } = await t.call('POST', '/tickets', { token: customer, json: newTicket });
    const missing = await t.call('PATCH', `/tickets/${ticket.id}`, { token: agent, json: { tier: 2 } });
    expect(missing.status).toBe(428);
    const ok = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: agent,
      json: { tier: 2, assignee: 'techflow-agent-2' },
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tier: 2, assignee: 'techflow-agent-2', version: 2 });
    const stale = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: agent,
      json: { tier: 3 },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const after = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(after.body.tier).toBe(2);
  });

  it('lets only a lead lower a priority, and nobody change a closed ticket', async () => {
    const { body: ticket } = await t.call('POST', '/tickets', { token: customer, json: newTicket });
    const byAgent = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: agent,
      json: { priority: 'low' },
      headers: { 'if-match': '"1"' },
    });
    expect(byAgent.status).toBe(403);
    const raise = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: agent,
      json: { priority: 'urgent' },
      headers: { 'if-match': '"1"' },
    });
    expect(raise.status).toBe(200);
    const byLead = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: lead,
      json: { priority: 'low', status: 'closed' },
      headers: { 'if-match': '"2"' },
    });
    expect(byLead.status).toBe(200);
    const afterClose = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: lead,
      json: { status: 'open' },
      headers: { 'if-match': '"3"' },
    });
    expect(afterClose.status).toBe(409);
    const reply = await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: customer,
      json: { body: 'hello?' },
    });
    expect(reply.status).toBe(409);
  });

  it('does not let a customer update a ticket', async () => {
    const { body: ticket } = await t.call('POST', '/tickets', { token: customer, json: newTicket });
    const res = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: customer,
      json: { priority: 'urgent' },
      headers: { 'if-match': '"1"' },
    });
    expect(res.status).toBe(403);
  });
});

describe('listing', () => {
  it('filters by status and priority and pages with a cursor', async () => {
    const requester = { email: 'paging@example.com' };
    for (let i = 0; i < 5; i++) {
      await t.call('POST', '/tickets', {
        token: agent,
        json: { ...newTicket, requester, priority: i % 2 ? 'low' : 'urgent' },
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.call(
        'GET',
        `/tickets?requester=paging@example.com&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: agent },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((x: { id: string }) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    const urgent = await t.call('GET', '/tickets?requester=paging@example.com&priority=urgent', {
      token: agent,
    });
    expect(urgent.body.items).toHaveLength(3);
    const byStatus = await t.call('GET', '/tickets?status=new&limit=100', { token: agent });
    expect(byStatus.body.items.every((x: { status: string }) => x.status === 'new')).toBe(true);
  });

  it('shows a customer only their own tickets', async () => {
    await t.call('POST', '/tickets', { token: otherCustomer, json: newTicket });
    const mine = await t.call('GET', '/tickets?limit=100', { token: customer });
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(
      mine.body.items.every(
        (x: { requester: { email: string } }) => x.requester.email === 'customer@example.com',
      ),
    ).toBe(true);
    const snoop = await t.call('GET', '/tickets?requester=other@example.com', { token: customer });
    expect(snoop.status).toBe(403);
  });

  it('rejects a tampered cursor', async () => {
    const forged = Buffer.from(
      JSON.stringify({ gsi3pk: 'DESK#acentus#CLASS#ticket', gsi3sk: 'x', pk: 'x', sk: 'y' }),
    ).toString('base64url');
    const res = await t.call('GET', `/tickets?cursor=${forged}`, { token: agent });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('?cursor');
  });
});

describe('bad input gets a clear error and writes nothing', () => {
  const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string]> = [
    [
      'malformed JSON',
      () => t.call('POST', '/tickets', { token: customer, raw: '{"subject": "x",' }),
      400,
      '/problems/malformed-json',
    ],
    [
      'wrong types',
      () => t.call('POST', '/tickets', { token: customer, json: { subject: 5, description: true } }),
      400,
      '/problems/validation',
    ],
    [
      'unknown fields',
      () => t.call('POST', '/tickets', { token: customer, json: { ...newTicket, admin: true } }),
      400,
      '/problems/validation',
    ],
    [
      'an unknown priority',
      () => t.call('POST', '/tickets', { token: customer, json: { ...newTicket, priority: 'p0' } }),
      400,
      '/problems/validation',
    ],
    [
      'an oversized body',
      () =>
        t.call('POST', '/tickets', {
          token: customer,
          json: { ...newTicket, description: 'x'.repeat(300_000) },
        }),
      413,
      '/problems/payload-too-large',
    ],
    [
      'a non-JSON media type',
      () =>
        t.call('POST', '/tickets', {
          token: customer,
          raw: 'subject=x',
          headers: { 'content-type': 'text/plain' },
        }),
      415,
      '/problems/unsupported-media-type',
    ],
    ['no token', () => t.call('POST', '/tickets', { json: newTicket }), 401, '/problems/unauthenticated'],
    [
      'a forged token',
      () => t.call('POST', '/tickets', { token: `${customer.slice(0, -4)}AAAA`, json: newTicket }),
      401,
      '/problems/unauthenticated',
    ],
    [
      'a token from another issuer',
      () =>
        t.call('POST', '/tickets', {
          token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
          json: newTicket,
        }),
      401,
      '/problems/unauthenticated',
    ],
    [
      'a customer naming another requester',
      () =>
        t.call('POST', '/tickets', {
          token: customer,
          json: { ...newTicket, requester: { email: 'victim@example.com' } },
        }),
      400,
      '/problems/validation',
    ],
    [
      'staff without a requester',
      () => t.call('POST', '/tickets', { token: agent, json: newTicket }),
      400,
      '/problems/validation',
    ],
  ];

  for (const [name, send, status, type] of cases) {
    it(`rejects ${name} with ${status}`, async () => {
      const before = await deskTicketCount();
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body.type).toBe(type);
      expect(res.body.status).toBe(status);
      expect(await deskTicketCount()).toBe(before);
    });
  }

  it('names each invalid field by JSON pointer', async () => {
    const res = await t.call('POST', '/tickets', {
      token: customer,
      json: { subject: '', description: 'x', extra: 1, tags: ['OK', 'fine'] },
    });
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/extra', '/subject', '/tags/0']);
  });

  it('rejects an expired token', async () => {
    const expired = await t.token('customer', 'techflow', { ttlSeconds: -10 });
    const res = await t.call('GET', '/tickets', { token: expired });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/expired/);
  });
});

describe('isolation', () => {
  it("hides another customer's ticket and another desk's ticket as 404, and writes nothing to them", async () => {
    const { body: ticket } = await t.call('POST', '/tickets', { token: customer, json: newTicket });
    for (const token of [otherCustomer, otherDeskAgent]) {
      const read = await t.call('GET', `/tickets/${ticket.id}`, { token });
      expect(read.status).toBe(404);
      expect(JSON.stringify(read.body)).not.toContain(newTicket.subject);
      const reply = await t.call('POST', `/tickets/${ticket.id}/messages`, {
        token,
        json: { body: 'mine now' },
      });
      expect(reply.status).toBe(404);
    }
    const patch = await t.call('PATCH', `/tickets/${ticket.id}`, {
      token: otherDeskAgent,
      json: { status: 'closed' },
      headers: { 'if-match': '"1"' },
    });
    expect(patch.status).toBe(404);
    const after = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(after.body).toMatchObject({ status: 'new', version: 1 });
    expect(after.body.messages).toHaveLength(1);
    const otherDeskList = await t.call('GET', '/tickets?limit=100', { token: otherDeskAgent });
    expect(otherDeskList.body.items.find((x: { id: string }) => x.id === ticket.id)).toBeUndefined();
  });

  it('lets an app open a ticket for a requester, who then sees it', async () => {
    const res = await t.call('POST', '/tickets', {
      token: app,
      json: { ...newTicket, requester: { email: 'Customer@Example.com' }, channel: 'chat' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: 'chat', requester: { email: 'customer@example.com' } });
    const seen = await t.call('GET', `/tickets/${res.body.id}`, { token: customer });
    expect(seen.status).toBe(200);
  });
});

describe('the virtual clock', () => {
  it('moves forward by a duration, stamps tickets with virtual time, and refuses to go back', async () => {
    const before = (await t.call('GET', '/_local/clock')).body.now;
    const advanced = await t.call('POST', '/_local/clock', { json: { advance: 'P3DT2H' } });
    expect(advanced.status).toBe(200);
    expect(Date.parse(advanced.body.now) - Date.parse(before)).toBeGreaterThanOrEqual(
      (3 * 24 + 2) * 3600_000,
    );
    const { body: ticket } = await t.call('POST', '/tickets', { token: customer, json: newTicket });
    expect(Date.parse(ticket.createdAt)).toBeGreaterThanOrEqual(Date.parse(advanced.body.now));
    const back = await t.call('POST', '/_local/clock', { json: { set: '2020-01-01T00:00:00Z' } });
    expect(back.status).toBe(409);
    const bad = await t.call('POST', '/_local/clock', { json: { advance: 'two hours' } });
    expect(bad.status).toBe(400);
  });
});
