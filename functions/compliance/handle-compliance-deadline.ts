import { z } from 'zod';
import { complianceDeps } from '#shared/runtime/compliance-deps.ts';

const DeadlineEvent = z.object({
  desk: z.string().min(1),
  kind: z.enum(['dsar', 'billing-appeal']),
  id: z.string().min(1),
  dueAt: z.string().optional(),
});

/** Target of the one-time EventBridge Scheduler schedules: applies whatever deadline of the record has come due. */
export const handler = async (event: unknown) => {
  const input = DeadlineEvent.parse(event);
  const result = await complianceDeps().deadlines.handle(input);
  console.log(
    JSON.stringify({
      level: 'INFO',
      message: 'compliance deadline',
      kind: input.kind,
      ...result,
    }),
  );
  return result;
};
