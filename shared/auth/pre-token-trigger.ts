import * as z from '#shared/validation/zod.ts';
import type { Logger } from '../observability/logger.ts';
import { identityFromCognito, tokenClaimsFor } from './cognito-claims.ts';
import type { UserMfaReader } from './cognito-user-mfa.ts';

/**
 * The parts of a Cognito pre-token-generation event (V2_0, access-token customisation) the trigger reads.
 * Unknown fields pass through untouched: Cognito expects its own event back with `response` filled in.
 */
export const PreTokenGenerationEvent = z.looseObject({
  version: z.string(),
  triggerSource: z.string(),
  userPoolId: z.string().check(z.minLength(1)),
  userName: z.string().check(z.minLength(1)),
  request: z.looseObject({
    userAttributes: z.record(z.string(), z.string()),
    groupConfiguration: z.looseObject({
      groupsToOverride: z.nullish(z.array(z.string())),
    }),
  }),
  response: z.nullish(z.looseObject({})),
});
export type PreTokenGenerationEvent = z.infer<typeof PreTokenGenerationEvent>;

export interface PreTokenDeps {
  readonly readUserMfa: UserMfaReader;
  readonly logger: Logger;
}

/**
 * Puts tierdesk's claims into a user's tokens, or refuses to issue them (the thrown message is what Cognito
 * reports to the caller). Version 1 events cannot customise access tokens, so they are refused too: a pool
 * wired to the wrong event version must fail loudly, not hand out tokens every API call rejects.
 */
export async function customiseTokens(
  deps: PreTokenDeps,
  input: unknown,
): Promise<PreTokenGenerationEvent & { response: Record<string, unknown> }> {
  const event = PreTokenGenerationEvent.parse(input);
  if (event.version !== '2' && event.version !== '3') {
    throw new Error(
      'The pre-token-generation trigger must receive V2_0 events (access-token customisation).',
    );
  }
  const log = deps.logger.child({
    triggerSource: event.triggerSource,
    sub: event.request.userAttributes.sub,
  });
  const decision = identityFromCognito({
    groups: event.request.groupConfiguration.groupsToOverride ?? [],
    attributes: event.request.userAttributes,
  });
  if (decision.outcome === 'refuse') {
    log.warn('token refused', { reason: decision.reason });
    throw new Error(decision.reason);
  }
  const mfa = decision.requiresMfa ? await deps.readUserMfa(event.userPoolId, event.userName) : undefined;
  const claims = tokenClaimsFor(decision, mfa);
  if (decision.requiresMfa && !mfa?.totpEnabled) {
    log.warn('staff token without tierdesk claims: TOTP not enabled', {
      role: decision.claims.role,
      desk: decision.claims.desk,
    });
  } else {
    log.info('token claims issued', { role: decision.claims.role, desk: decision.claims.desk });
  }
  return {
    ...event,
    response: {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: claims.idToken },
        accessTokenGeneration: { claimsToAddOrOverride: claims.accessToken },
      },
    },
  };
}
