import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * Property-based fuzz of every API route's input: arbitrary JSON, near-valid bodies with one
 * field broken, raw garbage, odd headers and query strings. Properties: never a 5xx, every error
 * is problem+json, and nothing is half-written (tickets and messages appear only for 2xx).
 * Fixed seed in CI; `FUZZ_RUNS` raises the count (the bench runs a bigger campaign).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

let t: TestStack;
let tokens: Record<string, string>;
let ticketId: string;
let unhandled = 0;
const onUnhandled = () => unhandled++;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  t = await startTestStack();
  tokens = {
    customer: await t.token('customer', 'techflow'),
    agent: await t.token('agent', 'techflow'),
    lead: await t.token('lead', 'techflow'),
    app: await t.token('app', 'techflow'),
  };
  const res = await t.call('POST', '/tickets', {
    token: tokens.customer!,
    json: { subject: 'fuzz target', description: 'x' },
  });
  ticketId = res.body.id;
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await t.stop();
});

const validTicket = { subject: 'Printer', description: 'It is on fire', priority: 'high' };
const brokenValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 300, maxLength: 400 }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.constantFrom(
    'urgent',
    'closed',
    '__proto__',
    'constructor',
    '\u0000',
    '💥',
    '<script>',
    "'; DROP TABLE",
    '9'.repeat(40),
  ),
);
const nearValid = (base: Record<string, unknown>) =>
  fc
    .tuple(
      fc.constantFrom(
        ...Object.keys(base),
        'requester',
        'plan',
        'tags',
        'visibility',
        'status',
        '__proto__',
        'extra',
      ),
      brokenValue,
    )
    .map(([key, value]) => ({ ...base, [key]: value }));
const body = (base: Record<string, unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: nearValid(base).map((b) => ({ json: b })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((b) => ({ json: b })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((raw) => ({ raw })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{"subject":', '[', '{"a":1}}', '\u0000', '{"subject":"x","subject":"y"}')
        .map((raw) => ({ raw })),
    },
  );

const request = fc.record({
  role: fc.constantFrom('customer', 'agent', 'lead', 'app', 'none'),
  route: fc.oneof(
    body(validTicket).map((b) => ({ method: 'POST', path: '/tickets', ...b })),
    body({ body: 'hello', visibility: 'public' }).map((b) => ({
      method: 'POST',
      path: '/tickets/{id}/messages',
      ...b,
    })),
    body({ status: 'open', priority: 'urgent' }).map((b) => ({
      method: 'PATCH',
      path: '/tickets/{id}',
      ...b,
    })),
    body({
      desk: 'techflow',
      ticket: { priority: 'urgent', plan: 'enterprise', channel: 'api', createdAt: '2030-01-01T00:00:00Z' },
    }).map((b) => ({
      method: 'POST',
      path: '/sla/preview',
      ...b,
    })),
    fc
      .record({
        k: fc.constantFrom('status', 'priority', 'requester', 'limit', 'cursor', 'x'),
        v: fc.string({ maxLength: 30 }),
      })
      .map(({ k, v }) => ({ method: 'GET', path: `/tickets?${k}=${encodeURIComponent(v)}` })),
    fc
      .string({ maxLength: 30 })
      .map((id) => ({ method: 'GET', path: `/tickets/${encodeURIComponent(id) || 'x'}` })),
  ),
  ifMatch: fc.option(fc.oneof(fc.constant('"1"'), fc.string({ maxLength: 12 })), { nil: undefined }),
  idempotencyKey: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'text/plain',
    'application/problem+json; charset=utf-8',
  ),
});

describe('API fuzzing', () => {
  it(`answers ${RUNS} generated requests without a 5xx or a partial write`, async () => {
    let created = 0;
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const route = r.route as { method: string; path: string; json?: unknown; raw?: string };
        const headers: Record<string, string> = { 'content-type': r.contentType };
        if (r.ifMatch !== undefined) headers['if-match'] = r.ifMatch;
        if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
        const res = await t.call(route.method, route.path.replace('{id}', ticketId), {
          ...(r.role === 'none' ? {} : { token: tokens[r.role] }),
          ...(route.json !== undefined ? { json: route.json } : {}),
          ...(route.raw !== undefined ? { raw: route.raw } : {}),
          headers,
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, JSON.stringify({ r, body: res.body })).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
        if (
          res.status === 201 &&
          route.path === '/tickets' &&
          res.headers.get('idempotent-replayed') !== 'true'
        )
          created++;
        if (
          res.status === 201 &&
          route.path.endsWith('/messages') &&
          res.headers.get('idempotent-replayed') !== 'true'
        )
          accepted.push(res.body.messageId);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(unhandled).toBe(0);

    // Nothing half-written: exactly the accepted tickets exist, and the target has exactly the accepted messages.
    const agent = tokens.agent!;
    let listed = 0;
    let cursor: string | undefined;
    do {
      const page = await t.call('GET', `/tickets?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        token: agent,
      });
      listed += page.body.items.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toBe(created + 1);
    const target = await t.call('GET', `/tickets/${ticketId}`, { token: agent });
    expect(target.body.messages.map((m: { id: string }) => m.id).sort()).toEqual(
      [ticketId, ...accepted].sort(),
    );
    console.log('fuzz status counts', Object.fromEntries([...statuses].sort()));
  }, 600_000);
});
