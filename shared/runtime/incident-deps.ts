import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TokenVerifier } from '../auth/verify-token.ts';
import type { DeadlineScheduler } from '../compliance/ports.ts';
import { ApiEnv, ComplianceSchedulerEnv, IncidentSweepEnv, parseEnv } from '../config/env.ts';
import { type BreachService, breachService } from '../incidents/breach-service.ts';
import { type CreditService, creditService } from '../incidents/credit-service.ts';
import { eventBridgeScheduler } from '../schedules/eventbridge-scheduler.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { dynamoAccountSource, dynamoCreditStore } from '../store/sla-credit-store.ts';
import { type Clock, currentClock } from '../time/clock.ts';
import { apiDeps } from './api-deps.ts';

/**
 * Composition roots of the reportable-breach routes (they create and cancel the breach's one-time
 * deadline schedules), the SLA credit route and the monthly credit job. The deadline handler builds its
 * breach service in shared/runtime/compliance-deps.ts, with the same schedules.
 */

const documentClient = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

// Read the process clock on every call: the local stack may install its virtual clock after import.
const clock: Clock = { now: () => currentClock().now() };

let breaches: { verifyToken: TokenVerifier; breaches: BreachService } | undefined;

export function breachDeps(): { verifyToken: TokenVerifier; breaches: BreachService } {
  if (breaches) return breaches;
  const env = parseEnv(ApiEnv);
  const scheduler: DeadlineScheduler = eventBridgeScheduler(
    new SchedulerClient({}),
    parseEnv(ComplianceSchedulerEnv),
  );
  breaches = {
    verifyToken: apiDeps().verifyToken,
    breaches: breachService({
      incidents: dynamoIncidentStore(documentClient(), env.TABLE_NAME),
      scheduler,
      clock,
    }),
  };
  return breaches;
}

const credits = (tableName: string) => {
  const doc = documentClient();
  return creditService({
    incidents: dynamoIncidentStore(doc, tableName),
    credits: dynamoCreditStore(doc, tableName),
    accounts: dynamoAccountSource(doc, tableName),
    clock,
  });
};

let creditRoutes: { verifyToken: TokenVerifier; credits: CreditService } | undefined;

export function creditDeps(): { verifyToken: TokenVerifier; credits: CreditService } {
  if (creditRoutes) return creditRoutes;
  const env = parseEnv(ApiEnv);
  creditRoutes = { verifyToken: apiDeps().verifyToken, credits: credits(env.TABLE_NAME) };
  return creditRoutes;
}

let creditJob: { credits: CreditService; desks: string[] } | undefined;

export function creditJobDeps(): { credits: CreditService; desks: string[] } {
  if (creditJob) return creditJob;
  const env = parseEnv(IncidentSweepEnv);
  creditJob = { credits: credits(env.TABLE_NAME), desks: env.DESKS.split(',') };
  return creditJob;
}

/** For tests and the local stack after they change the environment. */
export function resetIncidentDeps(): void {
  breaches = undefined;
  creditRoutes = undefined;
  creditJob = undefined;
}
