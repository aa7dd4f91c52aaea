import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier } from '#shared/auth/verify-token.ts';
import { DomainError } from '#shared/errors/domain-error.ts';
import { problemOf } from '#shared/http/problem.ts';

let server: Server;
let verify: TokenVerifier;
let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let sign: (
  claims: Record<string, unknown>,
  options?: { issuer?: string; expiresIn?: string },
) => Promise<string>;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  signingKey = privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  server = createServer((_, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  verify = createTokenVerifier({
    jwksUrl: url,
    issuer: 'https://idp.example',
    audience: 'api-aud,client-123',
    knownDesks: ['techflow', 'acentus'],
  });
  sign = (claims, options = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(options.issuer ?? 'https://idp.example')
      .setSubject('u1')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '1h')
      .sign(privateKey);
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const tierdesk = { role: 'agent', desk: 'techflow' };
const rejected = async (token: string, detail: RegExp) => {
  const error = await verify(`Bearer ${token}`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  expect(problemOf(error as DomainError).status).toBe(401);
  expect((error as DomainError).detail).toMatch(detail);
};

describe('createTokenVerifier', () => {
  it('accepts a token for one of the audiences', async () => {
    const principal = await verify(`Bearer ${await sign({ ...tierdesk, aud: 'api-aud' })}`);
    expect(principal).toMatchObject({ id: 'u1', role: 'agent', desk: 'techflow' });
  });

  it('accepts a Cognito-style access token identified by client_id', async () => {
    const principal = await verify(
      `Bearer ${await sign({ ...tierdesk, client_id: 'client-123', token_use: 'access' })}`,
    );
    expect(principal.role).toBe('agent');
  });

  it('maps a client-credentials token (no user, one tierdesk/<desk>.app scope) to role app', async () => {
    const machine = { client_id: 'client-123', token_use: 'access', scope: 'tierdesk/techflow.app' };
    const token = await new SignJWT(machine)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://idp.example')
      .setSubject('client-123')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(signingKey);
    expect(await verify(`Bearer ${token}`)).toMatchObject({
      id: 'client-123',
      role: 'app',
      desk: 'techflow',
    });
    // The same scope on a user's token (sub is not the client) grants nothing.
    await rejected(await sign(machine), /claims/);
    await rejected(await sign({ ...machine, scope: 'tierdesk/techflow.app tierdesk/acentus.app' }), /claims/);
  });

  it('rejects other audiences, ID tokens, other issuers, expired tokens and missing claims', async () => {
    await rejected(await sign({ ...tierdesk, aud: 'someone-else' }), /not for this API/);
    await rejected(await sign({ ...tierdesk, client_id: 'client-123', token_use: 'id' }), /access token/);
    await rejected(
      await sign({ ...tierdesk, aud: 'api-aud' }, { issuer: 'https://evil.example' }),
      /not valid/,
    );
    await rejected(await sign({ ...tierdesk, aud: 'api-aud' }, { expiresIn: '-1m' }), /expired/);
    await rejected(await sign({ aud: 'api-aud', role: 'root', desk: 'techflow' }), /claims/);
    await expect(verify(undefined)).rejects.toThrow(/Bearer/);
    await expect(verify('Basic abc')).rejects.toThrow(/Bearer/);
  });

  // Signs with explicit iat/exp (seconds from now; null leaves the claim out).
  const signTimed = (claims: Record<string, unknown>, iat: number | null, exp: number | null) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://idp.example')
      .setSubject('u1');
    if (iat !== null) jwt.setIssuedAt(now + iat);
    if (exp !== null) jwt.setExpirationTime(now + exp);
    return jwt.sign(signingKey);
  };
  const user = { ...tierdesk, aud: 'api-aud' };

  it('requires an expiry', async () => {
    await rejected(await signTimed(user, 0, null), /no expiry/);
    await rejected(await signTimed(user, null, null), /no expiry/);
  });

  it('caps the lifetime at one day by default, with or without iat', async () => {
    expect(await verify(`Bearer ${await signTimed(user, 0, 24 * 3600)}`)).toMatchObject({ id: 'u1' });
    await rejected(await signTimed(user, 0, 24 * 3600 + 1), /longer than the 86400 seconds/);
    await rejected(await signTimed(user, 0, 10 * 365 * 24 * 3600), /longer than/);
    await rejected(await signTimed(user, null, 10 * 365 * 24 * 3600), /longer than/);
    // Issued long ago with a long life: still refused, although only part of it remains.
    await rejected(await signTimed(user, -30 * 24 * 3600, 3600), /longer than/);
  });

  it('takes the cap from configuration', async () => {
    const strict = createTokenVerifier({
      jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
      issuer: 'https://idp.example',
      audience: 'api-aud',
      knownDesks: ['techflow'],
      maxLifetimeSeconds: 3600,
    });
    expect(await strict(`Bearer ${await signTimed(user, 0, 3600)}`)).toMatchObject({ id: 'u1' });
    const error = await strict(`Bearer ${await signTimed(user, 0, 7200)}`).catch((e: unknown) => e);
    expect((error as DomainError).detail).toMatch(/longer than the 3600 seconds/);
  });

  it('refuses a token issued in the future beyond 60 seconds of skew', async () => {
    expect(await verify(`Bearer ${await signTimed(user, 50, 3600)}`)).toMatchObject({ id: 'u1' });
    await rejected(await signTimed(user, 120, 3600), /issued in the future/);
  });

  it('refuses a desk that has no policy pack, for people and machines', async () => {
    await rejected(await sign({ ...user, desk: 'nosuchdesk' }), /desk this deployment does not serve/);
    const machine = { client_id: 'client-123', token_use: 'access', scope: 'tierdesk/nosuchdesk.app' };
    const token = await new SignJWT(machine)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://idp.example')
      .setSubject('client-123')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(signingKey);
    await rejected(token, /desk this deployment does not serve/);
  });
});
