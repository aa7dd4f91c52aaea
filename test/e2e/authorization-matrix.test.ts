import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, routeKey } from '#functions/manifest/api-routes.ts';
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
/** Fixtures of the compliance and ops rows: the owner's DSAR and appeal, an incident. */
let dsarId: string;
let appealId: string;
let incidentId: string;
/** A well-formed id nothing has: rows that would change or erase data use it, so each caller starts equal. */
const NO_SUCH_ID = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
const SUSPENDED_SUBJECT = 'Matrix forged mail 91c2';

beforeAll(async () => {
  // Every answer of the matrix (each route's successes and refusals) is checked against docs/openapi.json.
  t = await startTestStack({ contract: true });
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
  dsarId = (await t.call('POST', '/dsar', { token: tokens.owner, json: { kind: 'access' } })).body.id;
  appealId = (
    await t.call('POST', '/billing-appeals', {
      token: tokens.owner,
      json: { summary: 'Charged twice', invoiceId: 'INV-1', amount: { value: 10, currency: 'USD' } },
    })
  ).body.id;
  incidentId = (
    await t.call('POST', '/incidents', {
      token: tokens.ops,
      json: { title: 'Matrix incident', impact: 'minor', message: 'Investigating.' },
    })
  ).body.id;
});
afterAll(() => t.stop());

/** Staff and apps open tickets, DSARs and appeals for a named requester; customers for themselves. */
const onBehalfOf = (caller: Caller, name?: string) =>
  caller === 'owner' || caller === 'otherCustomer'
    ? {}
    : { requester: { email: 'matrix-requester@example.com', ...(name ? { name } : {}) } };

async function currentEtag() {
  return (await t.call('GET', `/tickets/${ticketId}`, { token: tokens.agent })).headers.get('etag')!;
}

interface Cell {
  route: string;
  send: (token: string, caller: Caller) => Promise<{ status: number; body: unknown }>;
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
  // --- every other route of the app manifest (the coverage test below keeps this list complete) ---
  {
    route: 'POST /tickets',
    send: (token, caller) =>
      t.call('POST', '/tickets', {
        token,
        json: { subject: 'Matrix new', description: 'x', ...onBehalfOf(caller) },
      }),
    expect: {
      owner: 201,
      otherCustomer: 201,
      agent: 201,
      lead: 201,
      manager: 201,
      ops: 201,
      app: 201,
      otherDeskAgent: 201,
      otherDeskLead: 201,
    },
  },
  {
    route: 'GET /tickets',
    send: (token) => t.call('GET', '/tickets', { token }),
    expect: {
      owner: 200,
      otherCustomer: 200,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 200,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
  {
    route: 'GET /tickets/{id}/history',
    send: (token) => t.call('GET', `/tickets/${ticketId}/history`, { token }),
    expect: {
      owner: 403,
      otherCustomer: 404,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /tickets/{id}/attachments',
    send: (token) =>
      t.call('POST', `/tickets/${ticketId}/attachments`, {
        token,
        json: {
          filename: 'a.log',
          contentType: 'text/plain',
          contentBase64: Buffer.from('x').toString('base64'),
        },
      }),
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
    route: 'GET /queue',
    send: (token) => t.call('GET', '/queue', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
  {
    route: 'GET /kpis',
    send: (token) => t.call('GET', '/kpis', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 200,
    },
  },
  {
    route: 'POST /incidents',
    send: (token) =>
      t.call('POST', '/incidents', { token, json: { title: 'x', impact: 'minor', message: 'x' } }),
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
    route: 'GET /incidents',
    send: (token) => t.call('GET', '/incidents', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
  {
    route: 'GET /incidents/{id}',
    send: (token) => t.call('GET', `/incidents/${incidentId}`, { token }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'PATCH /incidents/{id} (no such incident)',
    send: (token) =>
      t.call('PATCH', `/incidents/${NO_SUCH_ID}`, {
        token,
        json: { status: 'monitoring', message: 'x' },
        headers: { 'if-match': '"1"' },
      }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    // incidentId is a service incident: only a security incident can be a reportable breach (409).
    route: 'POST /incidents/{id}/reportable-breach',
    send: (token) => t.call('POST', `/incidents/${incidentId}/reportable-breach`, { token, json: {} }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 403,
      lead: 409,
      manager: 409,
      ops: 409,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /incidents/{id}/breach-notifications',
    send: (token) =>
      t.call('POST', `/incidents/${incidentId}/breach-notifications`, {
        token,
        json: { recipient: 'authority', sentAt: '2020-01-01T00:00:00Z', reference: 'x' },
      }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 403,
      lead: 409,
      manager: 409,
      ops: 409,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    // TechFlow's pack lets managers and its app client (billing) read credits; Acentus has no availability policy.
    route: 'GET /sla-credits',
    send: (token) => t.call('GET', '/sla-credits?month=2020-01', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 403,
      manager: 200,
      ops: 403,
      app: 200,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /dsar',
    send: (token, caller) =>
      t.call('POST', '/dsar', { token, json: { kind: 'access', ...onBehalfOf(caller, 'Matrix Requester') } }),
    expect: {
      owner: 201,
      otherCustomer: 201,
      agent: 201,
      lead: 201,
      manager: 201,
      ops: 201,
      app: 201,
      otherDeskAgent: 201,
      otherDeskLead: 201,
    },
  },
  {
    route: 'GET /dsar',
    send: (token) => t.call('GET', '/dsar', { token }),
    expect: {
      owner: 200,
      otherCustomer: 200,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
  {
    route: 'GET /dsar/{id}',
    send: (token) => t.call('GET', `/dsar/${dsarId}`, { token }),
    expect: {
      owner: 200,
      otherCustomer: 404,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /dsar/{id}/verification (no such request)',
    send: (token) => t.call('POST', `/dsar/${NO_SUCH_ID}/verification`, { token }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /dsar/{id}/verify (no such request)',
    send: (token) => t.call('POST', `/dsar/${NO_SUCH_ID}/verify`, { token, json: { code: '12345678' } }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /dsar/{id}/extension (no such request)',
    send: (token) =>
      t.call('POST', `/dsar/${NO_SUCH_ID}/extension`, {
        token,
        json: { months: 2, reason: 'Complex request across many systems' },
      }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /dsar/{id}/rejection (no such request)',
    send: (token) =>
      t.call('POST', `/dsar/${NO_SUCH_ID}/rejection`, {
        token,
        json: { reason: 'Manifestly unfounded request' },
      }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /dsar/{id}/export (no such request)',
    send: (token) => t.call('POST', `/dsar/${NO_SUCH_ID}/export`, { token }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'GET /dsar/{id}/export',
    send: (token) => t.call('GET', `/dsar/${dsarId}/export`, { token }),
    expect: {
      owner: 409,
      otherCustomer: 404,
      agent: 403,
      lead: 409,
      manager: 409,
      ops: 409,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /dsar/{id}/erasure (no such request)',
    send: (token) => t.call('POST', `/dsar/${NO_SUCH_ID}/erasure`, { token }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /billing-appeals',
    send: (token, caller) =>
      t.call('POST', '/billing-appeals', {
        token,
        json: {
          summary: 'Charged twice',
          invoiceId: 'INV-2',
          amount: { value: 5, currency: 'USD' },
          ...onBehalfOf(caller),
        },
      }),
    expect: {
      owner: 201,
      otherCustomer: 201,
      agent: 201,
      lead: 201,
      manager: 201,
      ops: 201,
      app: 201,
      otherDeskAgent: 201,
      otherDeskLead: 201,
    },
  },
  {
    route: 'GET /billing-appeals',
    send: (token) => t.call('GET', '/billing-appeals', { token }),
    expect: {
      owner: 200,
      otherCustomer: 200,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
  {
    route: 'GET /billing-appeals/{id}',
    send: (token) => t.call('GET', `/billing-appeals/${appealId}`, { token }),
    expect: {
      owner: 200,
      otherCustomer: 404,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /billing-appeals/{id}/decision (no such appeal)',
    send: (token) =>
      t.call('POST', `/billing-appeals/${NO_SUCH_ID}/decision`, {
        token,
        json: { outcome: 'deny', note: 'No billing error found' },
      }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 403,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /billing-appeals/{id}/verification (no such appeal)',
    send: (token) => t.call('POST', `/billing-appeals/${NO_SUCH_ID}/verification`, { token }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /billing-appeals/{id}/verify (no such appeal)',
    send: (token) =>
      t.call('POST', `/billing-appeals/${NO_SUCH_ID}/verify`, { token, json: { code: '12345678' } }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 404,
      lead: 404,
      manager: 404,
      ops: 404,
      app: 404,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /legal-holds',
    send: (token) =>
      t.call('POST', '/legal-holds', { token, json: { ticketId, reason: 'Matrix dispute, matter 1' } }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 201,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 400,
    },
  },
  {
    route: 'GET /legal-holds',
    send: (token) => t.call('GET', '/legal-holds', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
  {
    route: 'POST /legal-holds/{id}/release (no such hold)',
    send: (token) =>
      t.call('POST', `/legal-holds/tk-${NO_SUCH_ID}/release`, {
        token,
        json: { reason: 'Matter closed now' },
      }),
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
    route: 'POST /retention/preview',
    send: (token) => t.call('POST', '/retention/preview', { token, json: {} }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 200,
    },
  },
  {
    route: 'GET /compliance/audit',
    send: (token) => t.call('GET', '/compliance/audit?from=2020-01-01&to=2040-01-01', { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 403,
      manager: 200,
      ops: 200,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 403,
    },
  },
  // Consent before staff open private data (TechFlow: screen sharing).
  {
    route: 'POST /tickets/{id}/consents',
    send: (token) =>
      t.call('POST', `/tickets/${ticketId}/consents`, {
        token,
        json: { reason: 'To look at your SSO settings with you.' },
      }),
    expect: {
      owner: 403,
      otherCustomer: 404,
      agent: 201,
      lead: 201,
      manager: 201,
      ops: 403,
      app: 403,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'GET /tickets/{id}/consents',
    send: (token) => t.call('GET', `/tickets/${ticketId}/consents`, { token }),
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
    route: 'POST /tickets/{id}/consents/{consentId}/decision',
    send: (token) =>
      t.call('POST', `/tickets/${ticketId}/consents/${NO_SUCH_ID}/decision`, {
        token,
        json: { decision: 'grant' },
      }),
    expect: {
      owner: 404,
      otherCustomer: 404,
      agent: 403,
      lead: 403,
      manager: 403,
      ops: 403,
      app: 403,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'POST /tickets/{id}/private-access (no live consent)',
    send: (token) =>
      t.call('POST', `/tickets/${ticketId}/private-access`, {
        token,
        json: { dataClass: 'screen-sharing', what: 'screen-sharing session' },
      }),
    expect: {
      owner: 403,
      otherCustomer: 404,
      agent: 403,
      lead: 403,
      manager: 403,
      ops: 403,
      app: 403,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'GET /tickets/{id}/private-access',
    send: (token) => t.call('GET', `/tickets/${ticketId}/private-access`, { token }),
    expect: {
      owner: 403,
      otherCustomer: 404,
      agent: 403,
      lead: OK,
      manager: OK,
      ops: 403,
      app: 403,
      otherDeskAgent: 404,
      otherDeskLead: 404,
    },
  },
  {
    route: 'GET /consent/{desk}/{ticketId}/{consentId} (unsigned link)',
    send: (token) => t.call('GET', `/consent/techflow/${ticketId}/${NO_SUCH_ID}`, { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 403,
      manager: 403,
      ops: 403,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 403,
    },
  },
  {
    route: 'POST /consent/{desk}/{ticketId}/{consentId} (unsigned link)',
    send: (token) =>
      t.call('POST', `/consent/techflow/${ticketId}/${NO_SUCH_ID}`, {
        token,
        raw: 'decision=grant',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 403,
      manager: 403,
      ops: 403,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 403,
    },
  },
  // Public routes: a token changes nothing; what protects them is the signed link or nothing at all.
  {
    route: 'GET /survey/{desk}/{ticketId} (unsigned link)',
    send: (token) => t.call('GET', `/survey/techflow/${ticketId}`, { token }),
    expect: {
      owner: 403,
      otherCustomer: 403,
      agent: 403,
      lead: 403,
      manager: 403,
      ops: 403,
      app: 403,
      otherDeskAgent: 403,
      otherDeskLead: 403,
    },
  },
  {
    route: 'POST /survey/{desk}/{ticketId} (unsigned link)',
    send: (token) => t.call('POST', `/survey/techflow/${ticketId}`, { token, json: { score: 5 } }),
    expect: {
      owner: 400,
      otherCustomer: 400,
      agent: 400,
      lead: 400,
      manager: 400,
      ops: 400,
      app: 400,
      otherDeskAgent: 400,
      otherDeskLead: 400,
    },
  },
  {
    route: 'GET /desks/{desk}/status.json',
    send: (token) => t.call('GET', '/desks/techflow/status.json', { token }),
    expect: {
      owner: 200,
      otherCustomer: 200,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 200,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
  {
    route: 'GET /openapi.json',
    send: (token) => t.call('GET', '/openapi.json', { token }),
    expect: {
      owner: 200,
      otherCustomer: 200,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 200,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
  {
    route: 'GET /desks/{desk}/status.rss',
    send: (token) => t.call('GET', '/desks/techflow/status.rss', { token }),
    expect: {
      owner: 200,
      otherCustomer: 200,
      agent: 200,
      lead: 200,
      manager: 200,
      ops: 200,
      app: 200,
      otherDeskAgent: 200,
      otherDeskLead: 200,
    },
  },
];

describe('authorisation matrix', () => {
  it('has a row for every route of the app manifest', () => {
    const covered = new Set(cells.map((c) => c.route.replace(/ \(.*\)$/, '')));
    expect(API_ROUTES.map(routeKey).filter((key) => !covered.has(key))).toEqual([]);
  });

  // Derived from the manifest alone: a route behind the JWT authorizer refuses a missing or forged token
  // before anything else, and a public route never asks for one.
  for (const route of API_ROUTES) {
    const path = route.path
      .replace('{desk}', 'techflow')
      .replace('{email}', 'nobody@example.com')
      .replace(/\{\w+\}/g, NO_SUCH_ID);
    const jwt = route.auth.kind === 'jwt';
    const body = route.method === 'GET' ? {} : { json: {} };
    it(`${routeKey(route)} without a token → ${jwt ? 401 : 'not 401'}`, async () => {
      const res = await t.call(route.method, path, body);
      if (jwt) expect(res.status).toBe(401);
      else expect(res.status).not.toBe(401);
    });
    if (jwt) {
      it(`${routeKey(route)} with a token signed by someone else → 401`, async () => {
        const [header, payload] = tokens.lead.split('.');
        const forged = `${header}.${payload}.${'A'.repeat(43)}`;
        expect((await t.call(route.method, path, { token: forged, ...body })).status).toBe(401);
      });
    }
  }

  for (const cell of cells) {
    for (const caller of CALLERS) {
      it(`${cell.route} as ${caller} → ${cell.expect[caller]}`, async () => {
        const res = await cell.send(tokens[caller], caller);
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
