import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { ROLES, type Role } from '#shared/auth/principal.ts';
import { isKnownDesk, PACK_IDS } from '#shared/policy/packs.ts';

/**
 * The local identity provider: one ES256 key kept in the data directory, its public half served
 * as a JWKS, and tokens with the same claims Cognito's pre-token hook adds on AWS. Handlers
 * verify them with exactly the code they use on AWS.
 */
export const LOCAL_ISSUER = 'tierdesk-local';
export const LOCAL_AUDIENCE = 'tierdesk-api';
const KID = 'tierdesk-local-1';

export interface LocalTokenRequest {
  role: Role;
  desk: string;
  sub?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  plan?: string | undefined;
  tier?: number | undefined;
  /** Lifetime in seconds (default 12 hours). */
  ttlSeconds?: number;
}

const keyFile = (dataDir: string) => join(dataDir, 'identity', 'signing-key.json');

async function loadOrCreateKey(dataDir: string): Promise<JWK> {
  try {
    return JSON.parse(readFileSync(keyFile(dataDir), 'utf8')) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: KID, alg: 'ES256' };
    mkdirSync(dirname(keyFile(dataDir)), { recursive: true });
    writeFileSync(keyFile(dataDir), JSON.stringify(jwk), { mode: 0o600 });
    return jwk;
  }
}

/** The demo user each role gets when no --sub/--email is given. */
export function demoUser(role: Role): { sub: string; email: string; name: string } {
  return {
    sub: `demo-${role}`,
    email: `${role}@example.com`,
    name: `Demo ${role[0]?.toUpperCase()}${role.slice(1)}`,
  };
}

export async function localIdentity(dataDir: string) {
  const privateJwk = await loadOrCreateKey(dataDir);
  const { d: _private, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, 'ES256');
  return {
    jwks: { keys: [{ ...publicJwk, use: 'sig' }] },
    async issueToken(request: LocalTokenRequest): Promise<string> {
      if (!ROLES.includes(request.role)) throw new Error(`Unknown role ${request.role}`);
      // As Cognito's pre-token trigger does: no token for a desk without a policy pack.
      if (!isKnownDesk(request.desk))
        throw new Error(`Unknown desk ${request.desk}; desks: ${PACK_IDS.join(', ')}`);
      const demo = demoUser(request.role);
      const claims: Record<string, unknown> = {
        role: request.role,
        desk: request.desk,
        email: request.email ?? (request.sub ? undefined : demo.email),
        name: request.name ?? (request.sub ? undefined : demo.name),
        plan: request.plan,
        tier: request.tier,
      };
      for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
        .setSubject(request.sub ?? demo.sub)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${request.ttlSeconds ?? 12 * 3600}s`)
        .sign(signingKey);
    },
    /**
     * A token shaped like Cognito's client-credentials access token: no user and no tierdesk claims, `sub`
     * and `client_id` the app client's id, `scope` what the client asked for (the verifier maps exactly one
     * `tierdesk/<desk>.app` scope to role `app` on that desk).
     */
    async issueClientCredentialsToken(request: {
      clientId: string;
      scopes: readonly string[];
      ttlSeconds?: number;
    }): Promise<string> {
      return new SignJWT({
        client_id: request.clientId,
        token_use: 'access',
        scope: request.scopes.join(' '),
      })
        .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
        .setSubject(request.clientId)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${request.ttlSeconds ?? 3600}s`)
        .sign(signingKey);
    },
  };
}

export type LocalIdentity = Awaited<ReturnType<typeof localIdentity>>;
