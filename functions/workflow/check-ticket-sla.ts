import { logger } from '#shared/observability/logger.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { mailOutboundDeps } from '#shared/runtime/mail-deps.ts';
import { workflowDeps } from '#shared/runtime/workflow-deps.ts';
import * as z from '#shared/validation/zod.ts';
import { checkTicketSla } from '#shared/workflow/check-ticket-sla.ts';
import { toSleepPlan } from '#shared/workflow/sleep-step.ts';

const Input = z.object({
  ticketId: z.string().check(z.minLength(1)),
  desk: z.string().check(z.minLength(1)),
  executionName: z.string().check(z.minLength(1)),
  cycle: z.optional(z.number().check(z.int(), z.minimum(0))),
  generation: z.optional(z.number().check(z.int(), z.minimum(1))),
  /** Set by the definition whose park records the mail outcome; executions started earlier lack it. */
  parkRecordsMail: z.optional(z.boolean()),
  /** Set by the definition whose park writes the step's progress with the task token. */
  parkRecordsProgress: z.optional(z.boolean()),
  /** `$$.State.RetryCount` (only the first attempt may send mail the create claimed for it). */
  attempt: z.optional(z.number().check(z.int(), z.minimum(0))),
});

/** Outbound mail delivery; without its configuration the SLA workflow still runs and mail waits for the sweep. */
function mailPort() {
  try {
    return mailOutboundDeps().port;
  } catch (error) {
    logger.error('outbound mail not configured', { error: String(error) });
    return undefined;
  }
}

/** Step Functions task "Apply due SLA actions and plan the next checkpoint" (and send the mail they cause). */
export const handler = asyncHandler('check-ticket-sla', Input, async (input) =>
  toSleepPlan(await checkTicketSla({ ...workflowDeps(), mail: mailPort() }, input)),
);
