import * as z from 'zod';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { workflowDeps } from '#shared/runtime/workflow-deps.ts';
import { reconcileWorkflows } from '#shared/workflow/reconcile.ts';

/** Scheduled sweep (every minute): starts or wakes workflows that missed a ticket change. */
export const handler = asyncHandler('reconcile-workflows', z.unknown(), async (_event, { log }) => {
  const deps = workflowDeps();
  const reports = [];
  for (const desk of deps.desks) reports.push(await reconcileWorkflows(deps, desk));
  const acted = reports.filter((r) => r.started.length || r.woken.length || r.restartedOverdue.length);
  if (acted.length) log.info('reconciled workflows', { reports: acted });
  return { reports };
});
