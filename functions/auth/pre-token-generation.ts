import { createCognitoMfaReader } from '#shared/auth/cognito-user-mfa.ts';
import {
  customiseTokens,
  type PreTokenDeps,
  PreTokenGenerationEvent,
} from '#shared/auth/pre-token-trigger.ts';
import { PreTokenTriggerEnv, parseEnv } from '#shared/config/env.ts';
import { logger } from '#shared/observability/logger.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { cognitoClient } from '#shared/runtime/clients/cognito.ts';
import { clientSource } from '#shared/runtime/clients/source.ts';

let deps: PreTokenDeps | undefined;

/** Composition root, built at the first invocation (config parsed once, failing fast). */
function triggerDeps(): PreTokenDeps {
  if (deps) return deps;
  const env = parseEnv(PreTokenTriggerEnv);
  deps = {
    // One attempt of at most 3 s: Cognito gives the whole trigger 5.
    readUserMfa: createCognitoMfaReader(
      cognitoClient(
        clientSource({
          s3ForcePathStyle: false,
          region: env.AWS_REGION,
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
          ...(env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER
            ? { endpoints: { cognito: env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER } }
            : {}),
        }),
        { timeoutMs: 3_000, maxAttempts: 1 },
      ),
    ),
    logger,
  };
  return deps;
}

/** Cognito pre-token-generation trigger (V2_0): tierdesk's role/desk claims, or a refused sign-in. */
export const handler = asyncHandler('pre-token-generation', PreTokenGenerationEvent, async (event) =>
  customiseTokens(triggerDeps(), event),
);
