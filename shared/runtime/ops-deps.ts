import type { TokenVerifier } from '../auth/verify-token.ts';
import { ApiEnv, IncidentSweepEnv, StatusFeedEnv, SurveyEnv } from '../config/env.ts';
import { type IncidentService, incidentService } from '../incidents/service.ts';
import { kpiRecorder } from '../kpis/recorder.ts';
import { type KpiService, kpiService } from '../kpis/service.ts';
import { type OpsService, opsService } from '../ops/service.ts';
import { type ExecutionReader, sfnExecutionReader } from '../ops/sfn-history-reader.ts';
import { secretsManagerKeyring } from '../secrets/keyring.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { dynamoKpiRollupStore } from '../store/kpi-rollup-store.ts';
import { dynamoQueueReads } from '../store/queue-reads.ts';
import { dynamoSurveyStore } from '../store/survey-store.ts';
import { type SurveyService, surveyService } from '../survey/service.ts';
import { apiTokenVerifier } from './api-deps.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { sfnClient } from './clients/sfn.ts';
import { perRuntime, type Runtime, runtimeEnv } from './runtime.ts';
import { bans, tableName, ticketStoreWithoutBodies } from './services.ts';

/**
 * Composition roots of the ops console's routes (queue, history, KPIs, incidents), the public
 * survey and status-feed routes, and the review sweep. Each parses only the configuration it needs,
 * so a public route never needs the token settings and a sweep never needs the API's.
 */

/** Incidents and the tickets they link, as the console, the status feeds and the sweep see them. */
const incidents = /* @__PURE__ */ perRuntime(
  (runtime): IncidentService =>
    incidentService({
      incidents: dynamoIncidentStore(dynamoClient(runtime.clients), tableName()),
      tickets: ticketStoreWithoutBodies(),
      clock: runtime.clock,
    }),
);

const surveyStore = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoSurveyStore(dynamoClient(runtime.clients), tableName()),
);
const kpiRollups = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoKpiRollupStore(dynamoClient(runtime.clients), tableName()),
);

export interface OpsDeps {
  verifyToken: TokenVerifier;
  ops: OpsService;
  kpis: KpiService;
  incidents: IncidentService;
}

function opsDepsWith(runtime: Runtime, executions: ExecutionReader): OpsDeps {
  const queue = dynamoQueueReads(dynamoClient(runtime.clients), tableName());
  return {
    verifyToken: apiTokenVerifier(),
    // The console never shows message bodies: the queue and the history read the table alone.
    ops: opsService({ store: ticketStoreWithoutBodies(), queue, executions, clock: runtime.clock }),
    kpis: kpiService({ rollups: kpiRollups(), backlog: queue.backlog, clock: runtime.clock }),
    incidents: incidents(),
  };
}

/** For routes granted nothing on the workflow's executions: says so if a code path tries. */
const noExecutions: ExecutionReader = {
  executionArnOf: () => {
    throw new Error('this function does not read workflow executions');
  },
  describe: () => Promise.reject(new Error('this function does not read workflow executions')),
  history: () => Promise.reject(new Error('this function does not read workflow executions')),
};

/** The ticket history route: the API's token verifier, desk-wide reads and the executions' history. */
export const opsDeps = /* @__PURE__ */ perRuntime((runtime): OpsDeps => {
  const env = runtimeEnv(ApiEnv);
  return opsDepsWith(runtime, sfnExecutionReader(sfnClient(runtime.clients), env.STATE_MACHINE_ARN));
});

/** The queue, KPI and incident routes: the same, with the table alone (no Step Functions client). */
export const opsTableDeps = /* @__PURE__ */ perRuntime((runtime): OpsDeps => {
  runtimeEnv(ApiEnv);
  return opsDepsWith(runtime, noExecutions);
});

export const surveyDeps = /* @__PURE__ */ perRuntime((runtime): { surveys: SurveyService } => {
  const env = runtimeEnv(SurveyEnv);
  return {
    surveys: surveyService({
      keys: secretsManagerKeyring(secretsManagerClient(runtime.clients), env.SURVEY_SECRET_ID),
      bans: bans(),
      surveys: surveyStore(),
      kpis: kpiRecorder(kpiRollups()),
      tickets: ticketStoreWithoutBodies(),
      clock: runtime.clock,
    }),
  };
});

export const statusFeedDeps = /* @__PURE__ */ perRuntime(
  (): { incidents: IncidentService; publicBaseUrl: string } => ({
    publicBaseUrl: runtimeEnv(StatusFeedEnv).PUBLIC_BASE_URL,
    incidents: incidents(),
  }),
);

export const incidentSweepDeps = /* @__PURE__ */ perRuntime(
  (): { incidents: IncidentService; desks: string[] } => ({
    desks: runtimeEnv(IncidentSweepEnv).DESKS.split(','),
    incidents: incidents(),
  }),
);
