import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { problems } from '../http/problem.ts';
import { appClaimsFromScopes } from './cognito-claims.ts';
import { type Principal, principalFromClaims, TokenClaims } from './principal.ts';

export interface TokenVerifierConfig {
  jwksUrl: string;
  issuer: string;
  /**
   * Accepted audiences, comma-separated: an ID-style token's `aud`, or a Cognito access token's
   * `client_id` (access tokens carry no `aud`).
   */
  audience: string;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

/**
 * Verifies `Authorization: Bearer <jwt>` against the identity provider's JWKS (Cognito on AWS,
 * the local stack's key locally: the same code path). Token expiry is checked against the real
 * wall clock, never the virtual clock: authentication is not part of the simulated world.
 */
export function createTokenVerifier(config: TokenVerifierConfig): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000 });
  const audiences = new Set(
    config.audience
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  );
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization?.trim() ?? '');
    if (!match?.[1]) throw problems.unauthenticated('Send `Authorization: Bearer <token>`.');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1], jwks, {
        issuer: config.issuer,
        algorithms: ['ES256', 'RS256'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw problems.unauthenticated('The token has expired.');
      if (error instanceof joseErrors.JOSEError) throw problems.unauthenticated('The token is not valid.');
      throw error;
    }
    const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const presented = [...aud, ...(typeof payload.client_id === 'string' ? [payload.client_id] : [])];
    if (!presented.some((a) => audiences.has(String(a))))
      throw problems.unauthenticated('The token is not for this API.');
    if (payload.token_use !== undefined && payload.token_use !== 'access') {
      throw problems.unauthenticated('Send an access token, not an ID token.');
    }
    // Client-credentials tokens (machine callers) carry their desk as the scope `tierdesk/<desk>.app`.
    const claims = TokenClaims.safeParse(appClaimsFromScopes(payload) ?? payload);
    if (!claims.success) {
      throw problems.unauthenticated('The token lacks the tierdesk claims (sub, role, desk).');
    }
    return principalFromClaims(claims.data);
  };
}
