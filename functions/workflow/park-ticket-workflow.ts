import * as z from 'zod';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { workflowDeps } from '#shared/runtime/workflow-deps.ts';
import { parkWorkflow } from '#shared/workflow/park-workflow.ts';

const Input = z.object({
  ticketId: z.string().min(1),
  desk: z.string().min(1),
  taskToken: z.string().min(1),
  seenVersion: z.number().int().min(1),
  wakeAt: z.string().min(1),
  /** The Apply step's send outcomes (see shared/workflow/park-workflow.ts); absent in older executions. */
  mail: z
    .object({
      outcomes: z.array(
        z.object({
          index: z.number().int().min(0),
          id: z.string().min(1),
          set: z.record(z.string(), z.unknown()),
          remove: z.array(z.string()),
        }),
      ),
      outboxLength: z.number().int().min(0),
      settled: z.boolean(),
    })
    .optional(),
});

/** Step Functions task "Sleep until the next SLA checkpoint or a ticket change" (waitForTaskToken). */
export const handler = asyncHandler('park-ticket-workflow', Input, async (input) =>
  parkWorkflow(workflowDeps(), input),
);
