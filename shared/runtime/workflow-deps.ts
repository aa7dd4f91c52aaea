import { WorkflowEnv } from '../config/env.ts';
import { type KpiRecorder, kpiRecorder } from '../kpis/recorder.ts';
import { dynamoKpiRollupStore } from '../store/kpi-rollup-store.ts';
import { dynamoSweepPages } from '../store/sweep-pages.ts';
import type { TicketStore } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { ticketSlaPlanner } from '../workflow/first-notices.ts';
import type { SweepPages } from '../workflow/ports.ts';
import type { WorkflowSignals } from '../workflow/signals.ts';
import type { SlaPlanner } from '../workflow/sla-planner.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { perRuntime, runtimeEnv } from './runtime.ts';
import { tableName, ticketStoreWithoutBodies, workflowSignals } from './services.ts';

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

export const workflowDeps = perRuntime((runtime): WorkflowDeps => {
  const env = runtimeEnv(WorkflowEnv);
  return {
    // The workflow never reads message bodies.
    store: ticketStoreWithoutBodies(),
    signals: workflowSignals(),
    planner: ticketSlaPlanner,
    clock: runtime.clock,
    desks: env.DESKS.split(','),
    kpis: kpiRecorder(dynamoKpiRollupStore(dynamoClient(runtime.clients), tableName())),
    pages: dynamoSweepPages(dynamoClient(runtime.clients), tableName()),
  };
});
