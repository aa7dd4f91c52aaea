import type { TokenVerifier } from '../auth/verify-token.ts';
import { ComplianceSchedulerEnv, IncidentSweepEnv } from '../config/env.ts';
import { type BreachService, breachService } from '../incidents/breach-service.ts';
import { type CreditService, creditService } from '../incidents/credit-service.ts';
import { eventBridgeScheduler } from '../schedules/eventbridge-scheduler.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { dynamoAccountSource, dynamoCreditStore } from '../store/sla-credit-store.ts';
import { apiTokenVerifier } from './api-deps.ts';
import { perRuntime, runtimeEnv } from './runtime.ts';
import { tableName } from './services.ts';

/**
 * Composition roots of the reportable-breach routes (they create and cancel the breach's one-time
 * deadline schedules), the SLA credit route and the monthly credit job. The deadline handler builds its
 * breach service in shared/runtime/compliance-deps.ts, with the same schedules.
 */

export const breachDeps = perRuntime((runtime): { verifyToken: TokenVerifier; breaches: BreachService } => ({
  verifyToken: apiTokenVerifier(),
  breaches: breachService({
    incidents: dynamoIncidentStore(runtime.clients.dynamo, tableName()),
    scheduler: eventBridgeScheduler(runtime.clients.scheduler, runtimeEnv(ComplianceSchedulerEnv)),
    clock: runtime.clock,
  }),
}));

const credits = perRuntime(
  (runtime): CreditService =>
    creditService({
      incidents: dynamoIncidentStore(runtime.clients.dynamo, tableName()),
      credits: dynamoCreditStore(runtime.clients.dynamo, tableName()),
      accounts: dynamoAccountSource(runtime.clients.dynamo, tableName()),
      clock: runtime.clock,
    }),
);

export const creditDeps = perRuntime((): { verifyToken: TokenVerifier; credits: CreditService } => ({
  verifyToken: apiTokenVerifier(),
  credits: credits(),
}));

export const creditJobDeps = perRuntime((): { credits: CreditService; desks: string[] } => ({
  credits: credits(),
  desks: runtimeEnv(IncidentSweepEnv).DESKS.split(','),
}));
