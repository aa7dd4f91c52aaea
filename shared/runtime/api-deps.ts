import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cognitoStaffDirectory } from '../auth/cognito-staff-directory.ts';
import { createTokenVerifier, type TokenVerifier } from '../auth/verify-token.ts';
import { ApiEnv, parseEnv } from '../config/env.ts';
import { PACK_IDS } from '../policy/packs.ts';
import { dynamoQuotaCounter, withDeskQuota } from '../quota/desk-quota.ts';
import { dynamoBanStore } from '../store/ban-store.ts';
import { s3BlobStore } from '../store/blob-store.ts';
import { dynamoTicketStore, type TicketStore } from '../store/ticket-store.ts';
import { type BanService, banService } from '../tickets/bans.ts';
import type { DeskDefaults } from '../tickets/commands.ts';
import { deskDefaultsFor } from '../tickets/desk-policy.ts';
import { type TicketService, ticketService } from '../tickets/service.ts';
import { type Clock, currentClock } from '../time/clock.ts';
import { sfnWorkflowSignals } from '../workflow/sfn-signals.ts';

/**
 * The API handlers' composition root. Built once per process from the environment; SDK clients
 * find local stand-ins through the standard AWS_ENDPOINT_URL_* variables, so nothing here knows
 * whether it runs on AWS.
 */
export interface ApiDeps {
  store: TicketStore;
  verifyToken: TokenVerifier;
  clock: Clock;
  deskDefaults(desk: string): DeskDefaults;
  tickets: TicketService;
  bans: BanService;
}

let built: ApiDeps | undefined;

export function apiDeps(): ApiDeps {
  if (built) return built;
  const env = parseEnv(ApiEnv);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const s3 = new S3Client({ forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' });
  const store = dynamoTicketStore(doc, env.TABLE_NAME, s3BlobStore(s3, env.BODY_BUCKET));
  // Read the process clock on every call: the local stack may install its virtual clock after import.
  const clock: Clock = { now: () => currentClock().now() };
  const bans = banService({ bans: dynamoBanStore(doc, env.TABLE_NAME), clock });
  built = {
    store,
    bans,
    clock,
    deskDefaults: deskDefaultsFor,
    // Every authenticated request is charged to its desk's quota (and its app client's), after the token
    // is verified: bad tokens are rejected without touching a desk's budget.
    verifyToken: withDeskQuota(
      createTokenVerifier({
        jwksUrl: env.JWKS_URL,
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
        knownDesks: PACK_IDS,
        maxLifetimeSeconds: env.TOKEN_MAX_LIFETIME_SECONDS,
      }),
      {
        counter: dynamoQuotaCounter(doc, env.TABLE_NAME),
        quota: { perDesk: env.DESK_QUOTA_PER_SECOND, perAppClient: env.APP_CLIENT_QUOTA_PER_SECOND },
        nowMs: () => Date.now(),
      },
    ),
    tickets: ticketService({
      store,
      clock,
      deskDefaults: deskDefaultsFor,
      signals: sfnWorkflowSignals(new SFNClient({}), env.STATE_MACHINE_ARN),
      bans,
      staff: cognitoStaffDirectory(new CognitoIdentityProviderClient({}), env.USER_POOL_ID),
    }),
  };
  return built;
}

/** For tests and the local stack after they change the environment. */
export function resetApiDeps(): void {
  built = undefined;
}
