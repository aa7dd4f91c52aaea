import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { problems } from '../http/problem.ts';
import { type Principal, principalFromClaims, TokenClaims } from './principal.ts';

export interface TokenVerifierConfig {
  jwksUrl: string;
  issuer: string;
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
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization?.trim() ?? '');
    if (!match?.[1]) throw problems.unauthenticated('Send `Authorization: Bearer <token>`.');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(match[1], jwks, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ['ES256', 'RS256'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw problems.unauthenticated('The token has expired.');
      if (error instanceof joseErrors.JOSEError) throw problems.unauthenticated('The token is not valid.');
      throw error;
    }
    const claims = TokenClaims.safeParse(payload);
    if (!claims.success) {
      throw problems.unauthenticated('The token lacks the tierdesk claims (sub, role, desk).');
    }
    return principalFromClaims(claims.data);
  };
}
