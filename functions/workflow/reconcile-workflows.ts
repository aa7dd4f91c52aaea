import { emitGauge } from '#shared/observability/metrics.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { mapBounded, SWEEP_CONCURRENCY } from '#shared/runtime/bounded-concurrency.ts';
import { workflowDeps } from '#shared/runtime/workflow-deps.ts';
import * as z from '#shared/validation/zod.ts';
import { reconcileWorkflows } from '#shared/workflow/reconcile.ts';

/** Real time one run may spend, below the one-minute schedule so runs do not pile up. */
const BUDGET_MS = 45_000;

/** Scheduled sweep (every minute): starts or wakes workflows that missed a ticket change, desks in parallel. */
export const handler = asyncHandler('reconcile-workflows', z.unknown(), async (_event, { log }) => {
  const deps = workflowDeps();
  const stopAt = Date.now() + BUDGET_MS;
  const reports = await mapBounded(deps.desks, SWEEP_CONCURRENCY, (desk) =>
    reconcileWorkflows(deps, desk, { timeLeft: () => Date.now() < stopAt }),
  );
  for (const r of reports) emitGauge('ReconcileBacklog', r.backlog, r.desk);
  const acted = reports.filter(
    (r) => r.started.length || r.woken.length || r.restartedOverdue.length || r.backlog,
  );
  if (acted.length) log.info('reconciled workflows', { reports: acted });
  return { reports };
});
