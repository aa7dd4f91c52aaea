import * as z from 'zod';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { workflowDeps } from '#shared/runtime/workflow-deps.ts';
import { parkWorkflow } from '#shared/workflow/park-workflow.ts';

/** The Apply step's send outcomes (see shared/workflow/park-workflow.ts); absent in older executions. */
const Mail = z.object({
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
});

const Step = {
  ticketId: z.string().min(1),
  desk: z.string().min(1),
  cycle: z.number().int().min(0),
  generation: z.number().int().min(1),
  applied: z.array(z.string()),
  sleepSeconds: z.number().int().min(1),
};

/** The Apply step's whole result, as the current definition passes it (shared/workflow/sleep-step.ts). */
const Plan = z.discriminatedUnion('next', [
  z.object({
    ...Step,
    next: z.literal('sleep'),
    wakeAt: z.string().min(1),
    seenVersion: z.number().int().min(1),
    mail: Mail,
  }),
  z.object({ ...Step, next: z.literal('stop'), reason: z.string().min(1) }),
  z.object({
    ...Step,
    next: z.literal('continue-as-new'),
    nextExecutionName: z.string().min(1),
    nextGeneration: z.number().int().min(1),
  }),
]);

const Input = z.union([
  z.object({ taskToken: z.string().min(1), plan: Plan }),
  // Executions started on the earlier definition (Apply → Choice → Sleep) keep it until they end.
  z.object({
    ticketId: z.string().min(1),
    desk: z.string().min(1),
    taskToken: z.string().min(1),
    seenVersion: z.number().int().min(1),
    wakeAt: z.string().min(1),
    mail: Mail.optional(),
  }),
]);

/** Step Functions task "Sleep until the next SLA checkpoint or a ticket change" (waitForTaskToken). */
export const handler = asyncHandler('park-ticket-workflow', Input, async (input) =>
  parkWorkflow(workflowDeps(), input),
);
