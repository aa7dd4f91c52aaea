import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '#local/identity.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * What arrives from outside is checked at the edge: tokens (desk, expiry, lifetime), request bytes
 * (UTF-8) and path ids (shape). Each refusal is problem+json that echoes nothing long.
 */
let t: TestStack;
let agent: string;

/** Signs with the local identity provider's key, as a forger holding it (or a misconfigured issuer) would. */
async function signLocally(claims: Record<string, unknown>, times: { iat?: number; exp?: number }) {
  const jwk = JSON.parse(readFileSync(join(t.stack.dataDir, 'identity', 'signing-key.json'), 'utf8')) as JWK;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid! })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject('forger');
  if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
  if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
  return jwt.sign(await importJWK(jwk, 'ES256'));
}

beforeAll(async () => {
  t = await startTestStack();
  agent = await t.token('agent', 'techflow');
});
afterAll(() => t.stop());

const expectProblem = (res: { status: number; headers: Headers }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
};

describe('tokens', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a desk without a policy pack: no ticket, no item', async () => {
    const token = await signLocally(
      { role: 'customer', desk: 'nosuchdesk', email: 'a@example.com' },
      {
        iat: now(),
        exp: now() + 3600,
      },
    );
    const res = await t.call('POST', '/tickets', { token, json: { subject: 'hi', description: 'x' } });
    expectProblem(res, 401);
    expect(res.body.detail).toMatch(/desk this deployment does not serve/);
    // The local identity provider will not issue one either.
    await expect(t.token('customer', 'nosuchdesk')).rejects.toThrow(/Unknown desk nosuchdesk/);
    const viaEndpoint = await t.call('POST', '/_local/token', {
      json: { role: 'agent', desk: 'nosuchdesk' },
    });
    expect(viaEndpoint.status).toBe(400);
  });

  it('refuses a token without exp, one living ten years, and one issued in the future', async () => {
    const claims = { role: 'agent', desk: 'techflow' };
    for (const [times, detail] of [
      [{ iat: now() }, /no expiry/],
      [{ iat: now(), exp: now() + 10 * 365 * 86400 }, /lives longer/],
      [{ iat: now() + 3600, exp: now() + 7200 }, /issued in the future/],
    ] as const) {
      const res = await t.call('GET', '/tickets', { token: await signLocally(claims, times) });
      expectProblem(res, 401);
      expect(res.body.detail).toMatch(detail);
    }
    // The demo tokens the local identity issues (12 hours) are accepted.
    expect((await t.call('GET', '/tickets', { token: agent })).status).toBe(200);
  });
});

describe('request bodies', () => {
  it('refuses a JSON body that is not valid UTF-8, naming the byte offset', async () => {
    const body = Buffer.concat([
      Buffer.from('{"subject":"caf', 'utf8'),
      Buffer.from([0xc3, 0x28]), // a broken 2-byte sequence at offset 15
      Buffer.from('","description":"x"}', 'utf8'),
    ]);
    const res = await fetch(`${t.url}/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { type: string; detail: string };
    expect(problem).toMatchObject({ type: '/problems/invalid-utf8' });
    expect(problem.detail).toContain('offset 15');
    // Nothing was stored with a replacement character.
    const list = (await t.call('GET', '/tickets', { token: agent })).body.items;
    expect(list).toEqual([]);
  });
});

describe('path ids', () => {
  const garbage = `${'A'.repeat(5000)}<script>${'%ff'.repeat(10)}${'Z'.repeat(5000)}`;

  it.each([
    ['GET', `/tickets/${garbage}`],
    ['POST', `/tickets/${garbage}/messages`],
    ['GET', `/tickets/${garbage}/sla`],
    ['GET', `/tickets/${garbage}/history`],
    ['GET', `/dsar/${garbage}`],
    ['GET', `/billing-appeals/${garbage}`],
    ['GET', `/incidents/${garbage}`],
    ['POST', `/legal-holds/${garbage}/release`],
    ['DELETE', `/bans/${garbage}`],
    ['GET', `/survey/techflow/${garbage}?sig=x`],
    ['GET', `/desks/${garbage}/status.json`],
  ])('%s with a 10 KB garbage id is a short 400 that quotes a short prefix only', async (method, path) => {
    const token = await t.token('lead', 'techflow');
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: '{"body":"x","reason":"why not"}' } : {}),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(text.length).toBeLessThan(600);
    expect(text).not.toContain('<script>');
    expect(text).not.toContain('A'.repeat(17));
    const problem = JSON.parse(text);
    expect(problem.instance).toBeUndefined();
    expect(problem.errors[0].detail).toMatch(/got "A{16}…" \(10\d{3} characters\)/);
  });

  it('a well-formed id that does not exist is still a 404', async () => {
    const res = await t.call('GET', '/tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: agent });
    expectProblem(res, 404);
    expect(res.body.instance).toBe('/tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV');
  });
});
