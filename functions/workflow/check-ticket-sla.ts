import { z } from 'zod';
import { workflowDeps } from '#shared/runtime/workflow-deps.ts';
import { checkTicketSla } from '#shared/workflow/check-ticket-sla.ts';

const Input = z.object({
  ticketId: z.string().min(1),
  desk: z.string().min(1),
  executionName: z.string().min(1),
  cycle: z.number().int().min(0).optional(),
  generation: z.number().int().min(1).optional(),
  executionStartedAt: z.string().optional(),
});

/** Step Functions task "Apply due SLA actions and plan the next checkpoint". */
export const handler = async (event: unknown) => checkTicketSla(workflowDeps(), Input.parse(event));
