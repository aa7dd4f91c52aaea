import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { purgeBatchService } from '#shared/runtime/compliance-deps.ts';
import * as z from '#shared/validation/zod.ts';

const BatchInput = z.object({
  runs: z.array(
    z.object({ desk: z.string().check(z.minLength(1)), runId: z.string().check(z.minLength(1)) }),
  ),
  /** The execution's name: the lease owner, so a retried task keeps its own lease. */
  owner: z._default(z.string().check(z.minLength(1), z.maxLength(200)), 'manual'),
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
