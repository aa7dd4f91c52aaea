import type { TokenVerifier } from '../auth/verify-token.ts';
import { ComplianceSchedulerEnv, IncidentSweepEnv } from '../config/env.ts';
import { type BreachService, breachService } from '../incidents/breach-service.ts';
import { type CreditService, creditService } from '../incidents/credit-service.ts';
import { eventBridgeScheduler } from '../schedules/eventbridge-scheduler.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { dynamoAccountSource, dynamoCreditStore } from '../store/sla-credit-store.ts';
import { apiTokenVerifier } from './api-deps.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { schedulerClient } from './clients/scheduler.ts';
import { perRuntime, runtimeEnv } from './runtime.ts';
import { tableName } from './services.ts';

/**
 * Composition roots of the reportable-breach routes (they create and cancel the breach's one-time
 * deadline schedules), the SLA credit route and the monthly credit job. The deadline handler builds its
 * breach service in shared/runtime/compliance-deps.ts, with the same schedules.
 */

export const breachDeps = /* @__PURE__ */ perRuntime(
  (runtime): { verifyToken: TokenVerifier; breaches: BreachService } => ({
    verifyToken: apiTokenVerifier(),
    breaches: breachService({
      incidents: dynamoIncidentStore(dynamoClient(runtime.clients), tableName()),
      scheduler: eventBridgeScheduler(schedulerClient(runtime.clients), runtimeEnv(ComplianceSchedulerEnv)),
      clock: runtime.clock,
    }),
  }),
);

const credits = /* @__PURE__ */ perRuntime(
  (runtime): CreditService =>
    creditService({
      incidents: dynamoIncidentStore(dynamoClient(runtime.clients), tableName()),
      credits: dynamoCreditStore(dynamoClient(runtime.clients), tableName()),
      accounts: dynamoAccountSource(dynamoClient(runtime.clients), tableName()),
      clock: runtime.clock,
    }),
);

export const creditDeps = /* @__PURE__ */ perRuntime(
  (): { verifyToken: TokenVerifier; credits: CreditService } => ({
    verifyToken: apiTokenVerifier(),
    credits: credits(),
  }),
);

export const creditJobDeps = /* @__PURE__ */ perRuntime((): { credits: CreditService; desks: string[] } => ({
  credits: credits(),
  desks: runtimeEnv(IncidentSweepEnv).DESKS.split(','),
}));
