import { runIdFor } from '#shared/compliance/purge.ts';
import { ComplianceJobsEnv } from '#shared/config/env.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { purgePlanningService } from '#shared/runtime/compliance-deps.ts';
import { runtimeEnv } from '#shared/runtime/runtime.ts';
import * as z from '#shared/validation/zod.ts';

/** The state machine's input: EventBridge's scheduled time (`time`), or a manual run. */
const PlanInput = z.object({
  time: z.optional(z.iso.datetime({ offset: true })),
  runId: z.optional(z.string().check(z.regex(/^[0-9A-Za-z-]{1,40}$/))),
  trigger: z._default(z.enum(['schedule', 'manual']), 'schedule'),
});

/**
 * Purge task 1 of 2 ("Open today's purge runs"): one run per desk for the day the schedule fired
 * (a re-delivery or a retry of the execution continues the same runs).
 */
export const handler = asyncHandler('plan-retention-purge', PlanInput, async (input, { log }) => {
  const desks = runtimeEnv(ComplianceJobsEnv).DESKS.split(',');
  const runId = input.runId ?? (input.time ? runIdFor(new Date(input.time)) : undefined);
  const runs = await purgePlanningService().plan({
    desks,
    trigger: input.trigger,
    ...(runId ? { runId } : {}),
  });
  log.info('retention purge planned', { runs });
  return { runs: runs.map(({ desk, runId }) => ({ desk, runId })), planned: runs };
});
