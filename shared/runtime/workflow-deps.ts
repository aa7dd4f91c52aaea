import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseEnv, WorkflowEnv } from '../config/env.ts';
import { type KpiRecorder, kpiRecorder } from '../kpis/recorder.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { dynamoKpiRollupStore } from '../store/kpi-rollup-store.ts';
import { dynamoSweepPages, type SweepPages } from '../store/sweep-pages.ts';
import { dynamoTicketStore, type TicketStore } from '../store/ticket-store.ts';
import { type Clock, currentClock } from '../time/clock.ts';
import { policyPackPlanner } from '../workflow/policy-planner.ts';
import { sfnWorkflowSignals } from '../workflow/sfn-signals.ts';
import type { WorkflowSignals } from '../workflow/signals.ts';
import {
  DEFAULT_FIRST_RESPONSE_MINUTES,
  fixedFirstResponsePlanner,
  type SlaPlanner,
} from '../workflow/sla-planner.ts';

/** Composition root of the workflow's task functions and the reconciler. */
export interface WorkflowDeps {
  store: TicketStore;
  signals: WorkflowSignals;
  planner: SlaPlanner;
  clock: Clock;
  desks: string[];
  /** KPI roll-ups, kept in step by the workflow's step after every ticket change. */
  kpis: KpiRecorder;
  /** Paged reads for the reconciler. */
  pages: SweepPages;
}

let built: WorkflowDeps | undefined;

/** The workflow never reads message bodies; a store without blob access makes that explicit. */
const noBlobs: BlobStore = {
  put: () => Promise.reject(new Error('the workflow does not write bodies')),
  getText: () => Promise.reject(new Error('the workflow does not read bodies')),
};

export function workflowDeps(): WorkflowDeps {
  if (built) return built;
  const env = parseEnv(WorkflowEnv);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  built = {
    store: dynamoTicketStore(doc, env.TABLE_NAME, noBlobs),
    signals: sfnWorkflowSignals(new SFNClient({}), env.STATE_MACHINE_ARN),
    planner: policyPackPlanner(fixedFirstResponsePlanner(DEFAULT_FIRST_RESPONSE_MINUTES)),
    clock: { now: () => currentClock().now() },
    desks: env.DESKS.split(','),
    kpis: kpiRecorder(dynamoKpiRollupStore(doc, env.TABLE_NAME)),
    pages: dynamoSweepPages(doc, env.TABLE_NAME),
  };
  return built;
}

export function resetWorkflowDeps(): void {
  built = undefined;
}
