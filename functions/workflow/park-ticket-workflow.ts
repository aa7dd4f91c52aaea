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
});

/** Step Functions task "Sleep until the next SLA checkpoint or a ticket change" (waitForTaskToken). */
export const handler = asyncHandler('park-ticket-workflow', Input, async (input) =>
  parkWorkflow(workflowDeps(), input),
);
