import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { DomainError } from '../errors/domain-error.ts';
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
  /** The desks this deployment serves (one per policy pack); a token naming any other is refused. */
  knownDesks: readonly string[];
  /**
   * Longest accepted lifetime (`exp - iat`, and `exp - now` for a token without `iat`). Cognito issues
   * access tokens for 5 minutes to 1 day (1 hour by default), client-credentials tokens likewise.
   * @default 86400 (one day)
   */
  maxLifetimeSeconds?: number;
  /** Clock difference tolerated between the identity provider and us (`iat` ahead of now). @default 60 */
  clockSkewSeconds?: number;
}

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;
export const DEFAULT_TOKEN_CLOCK_SKEW_SECONDS = 60;

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
  const knownDesks = new Set(config.knownDesks);
  const maxLifetime = config.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  const skew = config.clockSkewSeconds ?? DEFAULT_TOKEN_CLOCK_SKEW_SECONDS;
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization?.trim() ?? '');
    if (!match?.[1]) throw DomainError.unauthenticated('Send `Authorization: Bearer <token>`.');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1], jwks, {
        issuer: config.issuer,
        algorithms: ['ES256', 'RS256'],
        // A token without an expiry would be a credential for ever.
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw DomainError.unauthenticated('The token has expired.');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'exp')
        throw DomainError.unauthenticated('The token has no expiry (exp).');
      if (error instanceof joseErrors.JOSEError) throw DomainError.unauthenticated('The token is not valid.');
      throw error;
    }
    assertLifetime(payload, Math.floor(Date.now() / 1000), maxLifetime, skew);
    const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const presented = [...aud, ...(typeof payload.client_id === 'string' ? [payload.client_id] : [])];
    if (!presented.some((a) => audiences.has(String(a))))
      throw DomainError.unauthenticated('The token is not for this API.');
    if (payload.token_use !== undefined && payload.token_use !== 'access') {
      throw DomainError.unauthenticated('Send an access token, not an ID token.');
    }
    // Client-credentials tokens (machine callers) carry their desk as the scope `tierdesk/<desk>.app`.
    const claims = TokenClaims.safeParse(appClaimsFromScopes(payload) ?? payload);
    if (!claims.success) {
      throw DomainError.unauthenticated('The token lacks the tierdesk claims (sub, role, desk).');
    }
    if (!knownDesks.has(claims.data.desk))
      throw DomainError.unauthenticated('The token names a desk this deployment does not serve.');
    return principalFromClaims(claims.data);
  };
}

/**
 * A stolen long-lived token is a standing key: the lifetime is capped whatever the signer chose, and a
 * token issued in the future (a skewed or forged clock) is refused, since it would outlive the cap.
 */
function assertLifetime(payload: Record<string, unknown>, now: number, max: number, skew: number) {
  const exp = payload.exp as number; // required and checked numeric by jwtVerify
  const iat = typeof payload.iat === 'number' ? payload.iat : undefined;
  if (iat !== undefined && iat > now + skew)
    throw DomainError.unauthenticated('The token is issued in the future (iat).');
  if (exp - (iat ?? now) > max)
    throw DomainError.unauthenticated(`The token lives longer than the ${max} seconds this API accepts.`);
}
