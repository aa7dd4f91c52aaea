import { createTokenVerifier, type TokenVerifier } from '../auth/verify-token.ts';
import { ApiEnv } from '../config/env.ts';
import { PACK_IDS } from '../policy/pack-ids.ts';
import { dynamoQuotaCounter, withDeskQuota } from '../quota/desk-quota.ts';
import type { BanService } from '../tickets/bans.ts';
import type { TicketReads, TicketService } from '../tickets/service.ts';
import type { Clock } from '../time/clock.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { perRuntime, runtimeEnv } from './runtime.ts';
import {
  bans,
  tableName,
  ticketReadService,
  ticketUpdateService,
  ticketViewService,
  ticketWriteService,
} from './services.ts';

/**
 * What every API route authenticates with, plus the ban list, built once per runtime
 * (shared/runtime/runtime.ts). The table only: every route imports it, so it names no other client.
 */
export interface ApiDeps {
  verifyToken: TokenVerifier;
  clock: Clock;
  bans: BanService;
}

/** The API's token verifier: every authenticated request is charged to its desk's quota. */
export const apiTokenVerifier = /* @__PURE__ */ perRuntime((runtime): TokenVerifier => {
  const env = runtimeEnv(ApiEnv);
  // Charged after the token is verified: bad tokens are rejected without touching a desk's budget.
  return withDeskQuota(
    createTokenVerifier({
      jwksUrl: env.JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      knownDesks: PACK_IDS,
      maxLifetimeSeconds: env.TOKEN_MAX_LIFETIME_SECONDS,
    }),
    {
      counter: dynamoQuotaCounter(dynamoClient(runtime.clients), tableName()),
      quota: { perDesk: env.DESK_QUOTA_PER_SECOND, perAppClient: env.APP_CLIENT_QUOTA_PER_SECOND },
      nowMs: () => Date.now(),
    },
  );
});

export const apiDeps = /* @__PURE__ */ perRuntime(
  (runtime): ApiDeps => ({
    bans: bans(),
    clock: runtime.clock,
    verifyToken: apiTokenVerifier(),
  }),
);

/*
 * The ticket routes' services, one per kind of route, each with exactly the clients its routes are
 * granted (functions/manifest/api-routes.ts): a ticket listing does not carry S3, Step Functions or Cognito.
 */

/** POST /tickets, POST /tickets/{id}/messages: bodies and the workflow. */
export const ticketWriteDeps = /* @__PURE__ */ perRuntime((): { tickets: TicketService } => ({
  tickets: ticketWriteService(),
}));
/** PATCH /tickets/{id}: the workflow and the staff directory. */
export const ticketUpdateDeps = /* @__PURE__ */ perRuntime((): { tickets: TicketService } => ({
  tickets: ticketUpdateService(),
}));
/** GET /tickets/{id}: the messages' bodies. */
export const ticketViewDeps = /* @__PURE__ */ perRuntime((): { tickets: TicketReads } => ({
  tickets: ticketViewService(),
}));
/** GET /tickets, GET /tickets/{id}/sla: the table only. */
export const ticketReadDeps = /* @__PURE__ */ perRuntime((): { tickets: TicketReads } => ({
  tickets: ticketReadService(),
}));
