import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { incidentSweepDeps } from '#shared/runtime/ops-deps.ts';
import * as z from '#shared/validation/zod.ts';

/**
 * Scheduled (every 15 minutes on AWS, every virtual minute locally): records each post-incident
 * review threshold that has passed, once, and logs it. The recurring-sweep pattern of the workflow
 * reconciler; a per-item one-time schedule can replace it when the scheduler mechanism exists.
 */
export const handler = asyncHandler('sweep-incident-reviews', z.unknown(), async () => {
  const { incidents, desks } = incidentSweepDeps();
  return incidents.sweepReviews(desks);
});
