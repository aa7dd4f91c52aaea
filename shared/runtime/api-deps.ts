import { createTokenVerifier, type TokenVerifier } from '../auth/verify-token.ts';
import { ApiEnv } from '../config/env.ts';
import { PACK_IDS } from '../policy/packs.ts';
import { dynamoQuotaCounter, withDeskQuota } from '../quota/desk-quota.ts';
import type { BanService } from '../tickets/bans.ts';
import type { DeskDefaults } from '../tickets/commands.ts';
import { deskDefaultsFor } from '../tickets/desk-policy.ts';
import type { TicketStore } from '../tickets/ports.ts';
import type { TicketService } from '../tickets/service.ts';
import type { Clock } from '../time/clock.ts';
import { perRuntime, runtimeEnv } from './runtime.ts';
import { bans, staffTicketService, tableName, ticketStore } from './services.ts';

/** The API handlers' composition root, built once per runtime (shared/runtime/runtime.ts). */
export interface ApiDeps {
  store: TicketStore;
  verifyToken: TokenVerifier;
  clock: Clock;
  deskDefaults(desk: string): DeskDefaults;
  tickets: TicketService;
  bans: BanService;
}

/** The API's token verifier: every authenticated request is charged to its desk's quota. */
export const apiTokenVerifier = perRuntime((runtime): TokenVerifier => {
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
      counter: dynamoQuotaCounter(runtime.clients.dynamo, tableName()),
      quota: { perDesk: env.DESK_QUOTA_PER_SECOND, perAppClient: env.APP_CLIENT_QUOTA_PER_SECOND },
      nowMs: () => Date.now(),
    },
  );
});

export const apiDeps = perRuntime(
  (runtime): ApiDeps => ({
    store: ticketStore(),
    bans: bans(),
    clock: runtime.clock,
    deskDefaults: deskDefaultsFor,
    verifyToken: apiTokenVerifier(),
    tickets: staffTicketService(),
  }),
);
