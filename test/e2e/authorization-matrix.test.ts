import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * The authorisation matrix: every caller × every route × own / other requester / other desk.
 * Forbidden cells must be denied (403 where the caller may see the ticket but not act, 404 where
 * the caller may not even know it exists) and must not leak the ticket's content.
 */
type Caller =
  | 'owner'
  | 'otherCustomer'
  | 'agent'
  | 'lead'
  | 'manager'
  | 'ops'
  | 'app'
  | 'otherDeskAgent'
  | 'otherDeskLead';
const CALLERS: Caller[] = [
  'owner',
  'otherCustomer',
  'agent',
  'lead',
  'manager',
  'ops',
  'app',
  'otherDeskAgent',
  'otherDeskLead',
];
const SECRET_SUBJECT = 'Matrix secret subject 7f3a';
const OWNER_EMAIL = 'matrix-owner@example.com';

let t: TestStack;
let tokens: Record<Caller, string>;
let ticketId: string;
/** A suspended mail of the techflow desk (a forged From), for the suspended-mail routes. */
let suspendedId: string;
const SUSPENDED_SUBJECT = 'Matrix forged mail 91c2';

beforeAll(async () => {
  t = await startTestStack();
  tokens = {
    owner: await t.token('customer', 'techflow', { sub: 'owner', email: OWNER_EMAIL }),
    otherCustomer: await t.token('customer', 'techflow', { sub: 'other', email: 'other@example.com' }),
    agent: await t.token('agent', 'techflow'),
    lead: await t.token('lead', 'techflow'),
    manager: await t.token('manager', 'techflow'),
    ops: await t.token('ops', 'techflow'),
    app: await t.token('app', 'techflow', { sub: 'mobile-app' }),
    otherDeskAgent: await t.token('agent', 'acentus'),
    otherDeskLead: await t.token('lead', 'acentus'),
  };
  const res = await t.call('POST', '/tickets', {
    token: tokens.owner,
    json: { subject: SECRET_SUBJECT, description: 'private details' },
  });
  ticketId = res.body.id;
  const smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.mail.smtpPort,
    ignoreTLS: true,
  });
  await smtp.sendMail({
    from: OWNER_EMAIL,
    to: 'support@techflowsolutions.com',
    subject: SUSPENDED_SUBJECT,
    text: 'forged',
    envelope: { from: 'mallory@evil.test', to: ['support@techflowsolutions.com'] },
  });
  smtp.close();
  const list = await t.call('GET', '/mail/suspended', { token: tokens.lead });
  suspendedId = list.body.items.find((m: { subject: string }) => m.subject === SUSPENDED_SUBJECT).id;
});
afterAll(() => t.stop());

async function currentEtag() {
  return (await t.call('GET', `/tickets/${ticketId}`, { token: tokens.agent })).headers.get('etag')!;
}

interface Cell {
  route: string;
  send: (token: string) => Promise<{ status: number; body: unknown }>;
  expect: Record<Caller, number>;
}

const OK = 200;
let assignCount = 0;
const nextAssignee = () => (assignCount++ % 2 === 0 ? 'techflow-agent' : 'techflow-agent-2');
const cells: Cell[] = [
  {
    route: 'GET /tickets/{id}',
    send: (token) => t.call('GET', `/tickets/${ticketId}`, { token }),
    expect: {
      owner: OK,
      otherCustomer: 404,
      agent: OK,
      lead: OK,
      manager: OK,
      ops: OK,
      app: OK,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'PATCH /tickets/{id}',
    send: async (token) =>
      t.call('PATCH', `/tickets/${ticketId}`, {
        token,
        // Alternating between two staff members of the desk, so each call changes something.
        json: { assignee: nextAssignee() },
        headers: { 'if-match': await currentEtag() },
      }),
    expect: {
      owner: 403,
      otherCustomer: 404,
      agent: OK,
      lead: OK,
      manager: OK,
      ops: OK,
      app: 403,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /tickets/{id}/messages (public)',
    send: (token) => t.call('POST', `/tickets/${ticketId}/messages`, { token, json: { body: 'hello' } }),
    expect: {
      owner: 201,
      otherCustomer: 404,
      agent: 201,
      lead: 201,
      manager: 201,
      ops: 201,
      app: 201,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /tickets/{id}/messages (internal)',
    send: (token) =>
      t.call('POST', `/tickets/${ticketId}/messages`, {
        token,
        json: { body: 'note', visibility: 'internal' },
      }),
    expect: {
      owner: 400,
      otherCustomer: 404,
      agent: 201,
      lead: 201,
      manager: 201,
      ops: 201,
      app: 400,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'GET /tickets/{id}/sla',
    send: (token) => t.call('GET', `/tickets/${ticketId}/sla`, { token }),
    expect: {
      owner: 403,
      otherCustomer: 404,
      agent: OK,
      lead: OK,
      manager: OK,
      ops: OK,
      app: 403,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /sla/preview (desk techflow)',
    send: (token) =>
      t.call('POST', '/sla/preview', {
        token,
        json: {
          desk: 'techflow',
          ticket: {
            priority: 'urgent',
            plan: 'enterprise',
            channel: 'api',
            createdAt: '2030-01-01T00:00:00Z',
          },
        },
      }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: OK,
      lead: OK,
      manager: OK,
      ops: OK,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 403,
    },
  },
  {
    route: 'GET /bans',
    send: (token) => t.call('GET', '/bans', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: OK,
      lead: OK,
      manager: OK,
      ops: OK,
      app: 403,
      otherDeskAgent: OK,
      otherDeskLead: OK,
    },
  },
  {
    route: 'POST /bans',
    send: (token) =>
      t.call('POST', '/bans', {
        token,
        json: {
          email: `spam-${Math.random().toString(36).slice(2)}@example.com`,
          reason: 'fraudulent chargebacks',
        },
      }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 201,
      manager: 201,
      ops: 201,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 201,
    },
  },
  {
    route: 'DELETE /bans/{email}',
    send: (token) => t.call('DELETE', '/bans/nobody@example.com', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 404,
    },
  },
  {
    route: 'GET /mail/suspended',
    send: (token) => t.call('GET', '/mail/suspended', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: OK,
      manager: OK,
      ops: OK,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: OK, // their own desk's list (checked below: without this desk's mail)
    },
  },
  {
    route: 'GET /mail/suspended/{id}',
    send: (token) => t.call('GET', `/mail/suspended/${suspendedId}`, { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: OK,
      manager: OK,
      ops: OK,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 404,
    },
  },
  {
    // A ticket id that does not exist: leads of the desk get the field error, nothing is released.
    route: 'POST /mail/suspended/{id}/release',
    send: (token) =>
      t.call('POST', `/mail/suspended/${suspendedId}/release`, { token, json: { ticketId: '0'.repeat(26) } }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 400,
      manager: 400,
      ops: 400,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /mail/suspended/{id}/reject (no such mail)',
    send: (token) =>
      t.call('POST', `/mail/suspended/${'f'.repeat(40)}/reject`, { token, json: { reason: 'spam' } }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 404,
    },
  },
];

describe('authorisation matrix', () => {
  for (const cell of cells) {
    for (const caller of CALLERS) {
      it(`${cell.route} as ${caller} → ${cell.expect[caller]}`, async () => {
        const res = await cell.send(tokens[caller]);
        expect(res.status).toBe(cell.expect[caller]);
        if (res.status >= 400) {
          const text = JSON.stringify(res.body);
          expect(text).not.toContain(SECRET_SUBJECT);
          expect(text).not.toContain(OWNER_EMAIL);
        }
      });
    }
  }

  it('lists only what each caller may see', async () => {
    const seen = async (caller: Caller) =>
      (await t.call('GET', '/tickets?limit=100', { token: tokens[caller] })).body.items.map(
        (x: { id: string }) => x.id,
      );
    expect(await seen('owner')).toContain(ticketId);
    expect(await seen('otherCustomer')).not.toContain(ticketId);
    expect(await seen('agent')).toContain(ticketId);
    expect(await seen('otherDeskAgent')).not.toContain(ticketId);
  });

  it('shows suspended mail to the desk’s leads only', async () => {
    const subjects = async (caller: Caller) =>
      (await t.call('GET', '/mail/suspended', { token: tokens[caller] })).body.items.map(
        (m: { subject: string }) => m.subject,
      );
    expect(await subjects('lead')).toContain(SUSPENDED_SUBJECT);
    expect(await subjects('otherDeskLead')).not.toContain(SUSPENDED_SUBJECT);
  });

  it('never shows internal notes to the requester or the app', async () => {
    for (const caller of ['owner', 'app'] as const) {
      const res = await t.call('GET', `/tickets/${ticketId}`, { token: tokens[caller] });
      expect(res.body.messages.some((m: { visibility: string }) => m.visibility === 'internal')).toBe(false);
      expect(res.body.sla).toBeUndefined();
    }
  });
});

describe('the ban list blocks intake with a clear answer and a record', () => {
  it('refuses a banned requester on every intake path and counts each refusal', async () => {
    const lead = await t.token('lead', 'rarelogic');
    const banned = await t.token('customer', 'rarelogic', { sub: 'troll', email: 'troll@example.com' });
    const { body: earlier } = await t.call('POST', '/tickets', {
      token: banned,
      json: { subject: 'before the ban', description: 'x' },
    });
    const ban = await t.call('POST', '/bans', {
      token: lead,
      json: { email: 'Troll@Example.com', reason: 'repeated abusive messages to staff' },
    });
    expect(ban.status).toBe(201);
    expect(
      (
        await t.call('POST', '/bans', {
          token: lead,
          json: { email: 'troll@example.com', reason: 'again please' },
        })
      ).status,
    ).toBe(409);

    const create = await t.call('POST', '/tickets', {
      token: banned,
      json: { subject: 'let me in', description: 'x' },
    });
    expect(create.status).toBe(403);
    expect(create.body).toMatchObject({ type: '/problems/requester-banned', title: 'Support unavailable' });
    expect(JSON.stringify(create.body)).not.toContain('abusive');
    const reply = await t.call('POST', `/tickets/${earlier.id}/messages`, {
      token: banned,
      json: { body: 'hello?' },
    });
    expect(reply.status).toBe(403);
    const app = await t.token('app', 'rarelogic');
    const onBehalf = await t.call('POST', '/tickets', {
      token: app,
      json: { subject: 's', description: 'd', requester: { email: 'troll@example.com' } },
    });
    expect(onBehalf.status).toBe(403);

    const list = await t.call('GET', '/bans', { token: lead });
    expect(list.body.items).toEqual([
      expect.objectContaining({
        email: 'troll@example.com',
        reason: 'repeated abusive messages to staff',
        blockedAttempts: 3,
      }),
    ]);
    // Other desks are unaffected.
    const elsewhere = await t.token('customer', 'techflow', { sub: 'troll', email: 'troll@example.com' });
    expect(
      (await t.call('POST', '/tickets', { token: elsewhere, json: { subject: 'hi', description: 'x' } }))
        .status,
    ).toBe(201);
    // Lifting the ban restores intake.
    expect((await t.call('DELETE', '/bans/troll@example.com', { token: lead })).status).toBe(204);
    expect(
      (await t.call('POST', '/tickets', { token: banned, json: { subject: 'sorry', description: 'x' } }))
        .status,
    ).toBe(201);
  });
});
