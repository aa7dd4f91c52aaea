import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { creditJobDeps } from '#shared/runtime/incident-deps.ts';
import * as z from '#shared/validation/zod.ts';

/**
 * Scheduled daily (00:30 UTC): computes the last closed month's availability and SLA credits once per
 * desk; later runs of the month find the report and write nothing.
 */
export const handler = asyncHandler('compute-sla-credits', z.unknown(), async () => {
  const { credits, desks } = creditJobDeps();
  return credits.computeClosedMonth(desks);
});
