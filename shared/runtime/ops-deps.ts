import type { TokenVerifier } from '../auth/verify-token.ts';
import { ApiEnv, IncidentSweepEnv, StatusFeedEnv, SurveyEnv } from '../config/env.ts';
import type { IdempotencyStore } from '../idempotency/ports.ts';
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
import type { TicketReader } from '../tickets/ports.ts';
import { apiTokenVerifier } from './api-deps.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { sfnClient } from './clients/sfn.ts';
import { perRuntime, type Runtime, runtimeEnv } from './runtime.ts';
import { bans, idempotencyStore, tableName, ticketReader } from './services.ts';

/**
 * Composition roots of the ops console's routes (queue, history, KPIs, incidents), the public
 * survey and status-feed routes, and the review sweep. Each parses only the configuration it needs,
 * so a public route never needs the token settings and a sweep never needs the API's.
 */

const incidentsWith = (runtime: Runtime, tickets: TicketReader & IdempotencyStore): IncidentService =>
  incidentService({
    incidents: dynamoIncidentStore(dynamoClient(runtime.clients), tableName()),
    tickets,
    clock: runtime.clock,
  });

/** Incidents and the tickets they link, as the console's create and update see them. */
const incidents = /* @__PURE__ */ perRuntime((runtime) =>
  incidentsWith(runtime, { ...ticketReader(), ...idempotencyStore() }),
);

/** For incident reads (console, status feeds, review sweep), which never look a ticket up: says so if one tries. */
const noTickets: TicketReader & IdempotencyStore = {
  getTicket: () => Promise.reject(new Error('this function does not read tickets')),
  getTicketWithMessages: () => Promise.reject(new Error('this function does not read tickets')),
  listTickets: () => Promise.reject(new Error('this function does not read tickets')),
  claimIdempotencyKey: () => Promise.reject(new Error('this function does not claim idempotency keys')),
};

/** Incidents without the ticket store: reading, the status feeds and the review sweep. */
const incidentReads = /* @__PURE__ */ perRuntime((runtime) => incidentsWith(runtime, noTickets));

const surveyStore = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoSurveyStore(dynamoClient(runtime.clients), tableName()),
);
const kpiRollups = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoKpiRollupStore(dynamoClient(runtime.clients), tableName()),
);

/** For routes granted nothing on the workflow's executions: says so if a code path tries. */
const noExecutions: ExecutionReader = {
  executionArnOf: () => {
    throw new Error('this function does not read workflow executions');
  },
  describe: () => Promise.reject(new Error('this function does not read workflow executions')),
  history: () => Promise.reject(new Error('this function does not read workflow executions')),
};

const queueReads = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoQueueReads(dynamoClient(runtime.clients), tableName()),
);

/*
 * One root per console service, so a route bundles only the service it calls: the queue route carries
 * no incident or KPI code, an incident route no queue, KPI report or SLA engine.
 */

/** The console's ops service; it never shows message bodies, so the queue and the history read the table alone. */
const opsWith = (runtime: Runtime, executions: ExecutionReader): OpsService =>
  opsService({ store: ticketReader(), queue: queueReads(), executions, clock: runtime.clock });

/** The ticket history route: the API's token verifier and the executions' history (Step Functions). */
export const opsDeps = /* @__PURE__ */ perRuntime(
  (runtime): { verifyToken: TokenVerifier; ops: OpsService } => {
    const env = runtimeEnv(ApiEnv);
    const executions = sfnExecutionReader(sfnClient(runtime.clients), env.STATE_MACHINE_ARN);
    return { verifyToken: apiTokenVerifier(), ops: opsWith(runtime, executions) };
  },
);

/** The queue route: the table alone (no Step Functions client). */
export const queueDeps = /* @__PURE__ */ perRuntime(
  (runtime): { verifyToken: TokenVerifier; ops: OpsService } => {
    runtimeEnv(ApiEnv);
    return { verifyToken: apiTokenVerifier(), ops: opsWith(runtime, noExecutions) };
  },
);

/** The KPI route: rollups and the live backlog. */
export const kpiDeps = /* @__PURE__ */ perRuntime(
  (runtime): { verifyToken: TokenVerifier; kpis: KpiService } => {
    runtimeEnv(ApiEnv);
    const kpis = kpiService({ rollups: kpiRollups(), backlog: queueReads().backlog, clock: runtime.clock });
    return { verifyToken: apiTokenVerifier(), kpis };
  },
);

/** Creating and updating incidents: linked tickets are checked against the table. */
export const incidentChangeDeps = /* @__PURE__ */ perRuntime(
  (): { verifyToken: TokenVerifier; incidents: IncidentService } => {
    runtimeEnv(ApiEnv);
    return { verifyToken: apiTokenVerifier(), incidents: incidents() };
  },
);

/** Reading incidents in the console. */
export const incidentReadDeps = /* @__PURE__ */ perRuntime(
  (): { verifyToken: TokenVerifier; incidents: IncidentService } => {
    runtimeEnv(ApiEnv);
    return { verifyToken: apiTokenVerifier(), incidents: incidentReads() };
  },
);

export const surveyDeps = /* @__PURE__ */ perRuntime((runtime): { surveys: SurveyService } => {
  const env = runtimeEnv(SurveyEnv);
  return {
    surveys: surveyService({
      keys: secretsManagerKeyring(secretsManagerClient(runtime.clients), env.SURVEY_SECRET_ID),
      bans: bans(),
      surveys: surveyStore(),
      kpis: kpiRecorder(kpiRollups()),
      tickets: ticketReader(),
      clock: runtime.clock,
    }),
  };
});

export const statusFeedDeps = /* @__PURE__ */ perRuntime(
  (): { incidents: IncidentService; publicBaseUrl: string } => ({
    publicBaseUrl: runtimeEnv(StatusFeedEnv).PUBLIC_BASE_URL,
    incidents: incidentReads(),
  }),
);

export const incidentSweepDeps = /* @__PURE__ */ perRuntime(
  (): { incidents: IncidentService; desks: string[] } => ({
    desks: runtimeEnv(IncidentSweepEnv).DESKS.split(','),
    incidents: incidentReads(),
  }),
);
