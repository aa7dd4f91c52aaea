import * as z from 'zod';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { purgeBatchService } from '#shared/runtime/compliance-deps.ts';

const BatchInput = z.object({
  runs: z.array(z.object({ desk: z.string().min(1), runId: z.string().min(1) })),
  /** The execution's name: the lease owner, so a retried task keeps its own lease. */
  owner: z.string().min(1).max(200).default('manual'),
});

/** Pages per invocation, and the time kept back for the last page's commit. */
const MAX_PAGES = 40;
const SAFETY_MS = 20_000;

/**
 * Purge task 2 of 2 ("Purge a batch of pages"): works through the runs until they finish or the
 * invocation's time is nearly up; the state machine loops until `done`. Bounded, resumable, idempotent.
 */
export const handler = asyncHandler(
  'run-retention-purge-batch',
  BatchInput,
  async (input, { log, context }) => {
    const result = await purgeBatchService().runBatch({
      runs: input.runs,
      owner: input.owner,
      maxPages: MAX_PAGES,
      shouldStop: () => (context ? context.getRemainingTimeInMillis() < SAFETY_MS : false),
    });
    log.info('retention purge batch', { done: result.done, pages: result.pages });
    return {
      runs: input.runs,
      owner: input.owner,
      done: result.done,
      pages: result.pages,
      summary: result.runs,
    };
  },
);
