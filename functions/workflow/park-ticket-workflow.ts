import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { workflowDeps } from '#shared/runtime/workflow-deps.ts';
import * as z from '#shared/validation/zod.ts';
import { parkWorkflow } from '#shared/workflow/park-workflow.ts';

/** The Apply step's send outcomes (see shared/workflow/park-workflow.ts); absent in older executions. */
const Mail = z.object({
  outcomes: z.array(
    z.object({
      index: z.number().check(z.int(), z.minimum(0)),
      id: z.string().check(z.minLength(1)),
      set: z.record(z.string(), z.unknown()),
      remove: z.array(z.string()),
    }),
  ),
  outboxLength: z.number().check(z.int(), z.minimum(0)),
  settled: z.boolean(),
});

/** The Apply step's progress, when it left its write to the park (ports.ts ParkProgress). */
const Progress = z.object({
  version: z.number().check(z.int(), z.minimum(1)),
  escalated: z.optional(z.object({ tier: z.number().check(z.int()), at: z.string().check(z.minLength(1)) })),
  newActivity: z.array(
    z.object({
      at: z.string().check(z.minLength(1)),
      by: z.string().check(z.minLength(1)),
      type: z.literal('tier-changed'),
      from: z.number().check(z.int()),
      to: z.number().check(z.int()),
      actionId: z.optional(z.string().check(z.minLength(1))),
    }),
  ),
  newActions: z.array(
    z.looseObject({
      id: z.string().check(z.minLength(1)),
      kind: z.enum(['warn', 'breach', 'escalate', 'notify', 'periodic-update']),
      at: z.string().check(z.minLength(1)),
      appliedAt: z.string().check(z.minLength(1)),
      rule: z.string(),
      summary: z.string(),
    }),
  ),
  nextCheckpoint: z.nullable(z.string().check(z.minLength(1))),
  wakeAt: z.string().check(z.minLength(1)),
  packVersion: z.string(),
  executionName: z.string().check(z.minLength(1)),
  executionStartedAt: z.string().check(z.minLength(1)),
  mailPendingSince: z.optional(z.string().check(z.minLength(1))),
  kpi: z.optional(
    z.object({
      share: z.looseObject({ seq: z.number().check(z.int()) }),
      change: z.looseObject({
        token: z.string().check(z.minLength(1)),
        at: z.string().check(z.minLength(1)),
        parts: z.array(z.unknown()),
      }),
      expectedSeq: z.optional(z.number().check(z.int())),
    }),
  ),
});

const Step = {
  ticketId: z.string().check(z.minLength(1)),
  desk: z.string().check(z.minLength(1)),
  cycle: z.number().check(z.int(), z.minimum(0)),
  generation: z.number().check(z.int(), z.minimum(1)),
  applied: z.array(z.string()),
  sleepSeconds: z.number().check(z.int(), z.minimum(1)),
};

/** The Apply step's whole result, as the current definition passes it (shared/workflow/sleep-step.ts). */
const Plan = z.discriminatedUnion('next', [
  z.object({
    ...Step,
    next: z.literal('sleep'),
    wakeAt: z.string().check(z.minLength(1)),
    seenVersion: z.number().check(z.int(), z.minimum(1)),
    mail: Mail,
    progress: z.optional(Progress),
  }),
  z.object({ ...Step, next: z.literal('stop'), reason: z.string().check(z.minLength(1)) }),
  z.object({
    ...Step,
    next: z.literal('continue-as-new'),
    nextExecutionName: z.string().check(z.minLength(1)),
    nextGeneration: z.number().check(z.int(), z.minimum(1)),
  }),
]);

const Input = z.union([
  z.object({ taskToken: z.string().check(z.minLength(1)), plan: Plan }),
  // Executions started on the earlier definition (Apply → Choice → Sleep) keep it until they end.
  z.object({
    ticketId: z.string().check(z.minLength(1)),
    desk: z.string().check(z.minLength(1)),
    taskToken: z.string().check(z.minLength(1)),
    seenVersion: z.number().check(z.int(), z.minimum(1)),
    wakeAt: z.string().check(z.minLength(1)),
    mail: z.optional(Mail),
  }),
]);

/** Step Functions task "Sleep until the next SLA checkpoint or a ticket change" (waitForTaskToken). */
export const handler = asyncHandler('park-ticket-workflow', Input, async (input) =>
  // The schema checks the shape the Apply step wrote; the records themselves are that step's own types.
  parkWorkflow(workflowDeps(), input as Parameters<typeof parkWorkflow>[1]),
);
