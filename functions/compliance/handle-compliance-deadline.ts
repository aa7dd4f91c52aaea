import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { complianceDeadlineService } from '#shared/runtime/compliance-deps.ts';
import * as z from '#shared/validation/zod.ts';

const DeadlineEvent = z.object({
  desk: z.string().check(z.minLength(1)),
  kind: z.enum(['dsar', 'billing-appeal', 'security-incident']),
  id: z.string().check(z.minLength(1)),
  dueAt: z.optional(z.string()),
});

/** Target of the one-time EventBridge Scheduler schedules: applies whatever deadline of the record has come due. */
export const handler = asyncHandler('handle-compliance-deadline', DeadlineEvent, async (input, { log }) => {
  const result = await complianceDeadlineService().handle(input);
  log.info('compliance deadline', { ...result });
  return result;
});
