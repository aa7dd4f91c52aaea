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

/** The Apply step's progress, when it left its write to the park (ports.ts ParkProgress). */
const Progress = z.object({
  version: z.number().int().min(1),
  escalated: z.object({ tier: z.number().int(), at: z.string().min(1) }).optional(),
  newActivity: z.array(
    z.object({
      at: z.string().min(1),
      by: z.string().min(1),
      type: z.literal('tier-changed'),
      from: z.number().int(),
      to: z.number().int(),
      actionId: z.string().min(1).optional(),
    }),
  ),
  newActions: z.array(
    z.looseObject({
      id: z.string().min(1),
      kind: z.enum(['warn', 'breach', 'escalate', 'notify', 'periodic-update']),
      at: z.string().min(1),
      appliedAt: z.string().min(1),
      rule: z.string(),
      summary: z.string(),
    }),
  ),
  nextCheckpoint: z.string().min(1).nullable(),
  wakeAt: z.string().min(1),
  packVersion: z.string(),
  executionName: z.string().min(1),
  executionStartedAt: z.string().min(1),
  mailPendingSince: z.string().min(1).optional(),
  kpi: z
    .object({
      share: z.looseObject({ seq: z.number().int() }),
      change: z.looseObject({ token: z.string().min(1), at: z.string().min(1), parts: z.array(z.unknown()) }),
      expectedSeq: z.number().int().optional(),
    })
    .optional(),
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
    progress: Progress.optional(),
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
  // The schema checks the shape the Apply step wrote; the records themselves are that step's own types.
  parkWorkflow(workflowDeps(), input as Parameters<typeof parkWorkflow>[1]),
);
