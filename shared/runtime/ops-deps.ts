import type { TokenVerifier } from '../auth/verify-token.ts';
import { ApiEnv, IncidentSweepEnv, StatusFeedEnv, SurveyEnv } from '../config/env.ts';
import { type IncidentService, incidentService } from '../incidents/service.ts';
import { kpiRecorder } from '../kpis/recorder.ts';
import { type KpiService, kpiService } from '../kpis/service.ts';
import { type OpsService, opsService } from '../ops/service.ts';
import { sfnExecutionReader } from '../ops/sfn-history-reader.ts';
import { secretsManagerKeyring } from '../secrets/keyring.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { dynamoKpiRollupStore } from '../store/kpi-rollup-store.ts';
import { dynamoQueueReads } from '../store/queue-reads.ts';
import { dynamoSurveyStore } from '../store/survey-store.ts';
import { type SurveyService, surveyService } from '../survey/service.ts';
import { apiTokenVerifier } from './api-deps.ts';
import { perRuntime, runtimeEnv } from './runtime.ts';
import { bans, tableName, ticketStore, ticketStoreWithoutBodies } from './services.ts';

/**
 * Composition roots of the ops console's routes (queue, history, KPIs, incidents), the public
 * survey and status-feed routes, and the review sweep. Each parses only the configuration it needs,
 * so a public route never needs the token settings and a sweep never needs the API's.
 */

/** Incidents and the tickets they link, as the console, the status feeds and the sweep see them. */
const incidents = perRuntime(
  (runtime): IncidentService =>
    incidentService({
      incidents: dynamoIncidentStore(runtime.clients.dynamo, tableName()),
      tickets: ticketStoreWithoutBodies(),
      clock: runtime.clock,
    }),
);

const surveyStore = perRuntime((runtime) => dynamoSurveyStore(runtime.clients.dynamo, tableName()));
const kpiRollups = perRuntime((runtime) => dynamoKpiRollupStore(runtime.clients.dynamo, tableName()));

export interface OpsDeps {
  verifyToken: TokenVerifier;
  ops: OpsService;
  kpis: KpiService;
  incidents: IncidentService;
}

/** Authenticated ops routes: the API's token verifier and ticket store, plus desk-wide reads and Step Functions. */
export const opsDeps = perRuntime((runtime): OpsDeps => {
  const env = runtimeEnv(ApiEnv);
  const queue = dynamoQueueReads(runtime.clients.dynamo, tableName());
  return {
    verifyToken: apiTokenVerifier(),
    ops: opsService({
      store: ticketStore(),
      queue,
      executions: sfnExecutionReader(runtime.clients.sfn, env.STATE_MACHINE_ARN),
      clock: runtime.clock,
    }),
    kpis: kpiService({ rollups: kpiRollups(), backlog: queue.backlog, clock: runtime.clock }),
    incidents: incidents(),
  };
});

export const surveyDeps = perRuntime((runtime): { surveys: SurveyService } => {
  const env = runtimeEnv(SurveyEnv);
  return {
    surveys: surveyService({
      keys: secretsManagerKeyring(runtime.clients.secretsManager, env.SURVEY_SECRET_ID),
      bans: bans(),
      surveys: surveyStore(),
      kpis: kpiRecorder(kpiRollups()),
      tickets: ticketStoreWithoutBodies(),
      clock: runtime.clock,
    }),
  };
});

export const statusFeedDeps = perRuntime((): { incidents: IncidentService; publicBaseUrl: string } => ({
  publicBaseUrl: runtimeEnv(StatusFeedEnv).PUBLIC_BASE_URL,
  incidents: incidents(),
}));

export const incidentSweepDeps = perRuntime((): { incidents: IncidentService; desks: string[] } => ({
  desks: runtimeEnv(IncidentSweepEnv).DESKS.split(','),
  incidents: incidents(),
}));
