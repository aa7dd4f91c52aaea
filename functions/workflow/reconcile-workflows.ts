import { logger } from '#shared/observability/logger.ts';
import { workflowDeps } from '#shared/runtime/workflow-deps.ts';
import { reconcileWorkflows } from '#shared/workflow/reconcile.ts';

/** Scheduled sweep (every minute): starts or wakes workflows that missed a ticket change. */
export const handler = async () => {
  const deps = workflowDeps();
  const reports = [];
  for (const desk of deps.desks) reports.push(await reconcileWorkflows(deps, desk));
  const acted = reports.filter((r) => r.started.length || r.woken.length || r.restartedOverdue.length);
  if (acted.length) logger.info('reconciled workflows', { reports: acted });
  return { reports };
};
