import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TokenVerifier } from '../auth/verify-token.ts';
import { ApiEnv, IncidentSweepEnv, parseEnv, StatusFeedEnv, SurveyEnv } from '../config/env.ts';
import { type IncidentService, incidentService } from '../incidents/service.ts';
import { kpiRecorder } from '../kpis/recorder.ts';
import { type KpiService, kpiService } from '../kpis/service.ts';
import { type OpsService, opsService } from '../ops/service.ts';
import { sfnExecutionReader } from '../ops/sfn-history-reader.ts';
import { secretsManagerKeyring } from '../secrets/keyring.ts';
import { dynamoBanStore } from '../store/ban-store.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { dynamoKpiRollupStore } from '../store/kpi-rollup-store.ts';
import { dynamoQueueReads } from '../store/queue-reads.ts';
import { dynamoSurveyStore } from '../store/survey-store.ts';
import { dynamoTicketStore } from '../store/ticket-store.ts';
import { type SurveyService, surveyService } from '../survey/service.ts';
import { banService } from '../tickets/bans.ts';
import { type Clock, currentClock } from '../time/clock.ts';
import { apiDeps } from './api-deps.ts';

/**
 * Composition roots of the ops console's routes (queue, history, KPIs, incidents), the public
 * survey and status-feed routes, and the review sweep. Each parses only the environment it needs,
 * so a public route never needs the token settings and a sweep never needs the API's.
 */

const documentClient = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

// Read the process clock on every call: the local stack may install its virtual clock after import.
const clock: Clock = { now: () => currentClock().now() };

/** These routes never read or write message bodies. */
const noBlobs: BlobStore = {
  put: () => Promise.reject(new Error('ops routes do not write bodies')),
  getText: () => Promise.reject(new Error('ops routes do not read bodies')),
};

export interface OpsDeps {
  verifyToken: TokenVerifier;
  ops: OpsService;
  kpis: KpiService;
  incidents: IncidentService;
}

let ops: OpsDeps | undefined;

/** Authenticated ops routes: the API's token verifier and ticket store, plus desk-wide reads and Step Functions. */
export function opsDeps(): OpsDeps {
  if (ops) return ops;
  const env = parseEnv(ApiEnv);
  const api = apiDeps();
  const doc = documentClient();
  const queue = dynamoQueueReads(doc, env.TABLE_NAME);
  ops = {
    verifyToken: api.verifyToken,
    ops: opsService({
      store: api.store,
      queue,
      executions: sfnExecutionReader(new SFNClient({}), env.STATE_MACHINE_ARN),
      clock,
    }),
    kpis: kpiService({ rollups: dynamoKpiRollupStore(doc, env.TABLE_NAME), backlog: queue.backlog, clock }),
    incidents: incidentService({
      incidents: dynamoIncidentStore(doc, env.TABLE_NAME),
      tickets: api.store,
      clock,
    }),
  };
  return ops;
}

let survey: { surveys: SurveyService } | undefined;

export function surveyDeps(): { surveys: SurveyService } {
  if (survey) return survey;
  const env = parseEnv(SurveyEnv);
  const doc = documentClient();
  survey = {
    surveys: surveyService({
      keys: secretsManagerKeyring(new SecretsManagerClient({}), env.SURVEY_SECRET_ID),
      bans: banService({ bans: dynamoBanStore(doc, env.TABLE_NAME), clock }),
      surveys: dynamoSurveyStore(doc, env.TABLE_NAME),
      kpis: kpiRecorder(dynamoKpiRollupStore(doc, env.TABLE_NAME)),
      tickets: dynamoTicketStore(doc, env.TABLE_NAME, noBlobs),
      clock,
    }),
  };
  return survey;
}

let feed: { incidents: IncidentService; publicBaseUrl: string } | undefined;

export function statusFeedDeps(): { incidents: IncidentService; publicBaseUrl: string } {
  if (feed) return feed;
  const env = parseEnv(StatusFeedEnv);
  const doc = documentClient();
  feed = {
    publicBaseUrl: env.PUBLIC_BASE_URL,
    incidents: incidentService({
      incidents: dynamoIncidentStore(doc, env.TABLE_NAME),
      tickets: dynamoTicketStore(doc, env.TABLE_NAME, noBlobs),
      clock,
    }),
  };
  return feed;
}

let sweep: { incidents: IncidentService; desks: string[] } | undefined;

export function incidentSweepDeps(): { incidents: IncidentService; desks: string[] } {
  if (sweep) return sweep;
  const env = parseEnv(IncidentSweepEnv);
  const doc = documentClient();
  sweep = {
    desks: env.DESKS.split(','),
    incidents: incidentService({
      incidents: dynamoIncidentStore(doc, env.TABLE_NAME),
      tickets: dynamoTicketStore(doc, env.TABLE_NAME, noBlobs),
      clock,
    }),
  };
  return sweep;
}

/** For tests and the local stack after they change the environment. */
export function resetOpsDeps(): void {
  ops = undefined;
  survey = undefined;
  feed = undefined;
  sweep = undefined;
}
