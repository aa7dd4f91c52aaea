import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier } from '#shared/auth/verify-token.ts';
import { Problem } from '#shared/http/problem.ts';

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
  expect(error).toBeInstanceOf(Problem);
  expect((error as Problem).status).toBe(401);
  expect((error as Problem).detail).toMatch(detail);
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
});
