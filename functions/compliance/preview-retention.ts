import { PreviewCursorError } from '#shared/compliance/purge.ts';
import { ROLE_RANK } from '#shared/compliance/records.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { problems } from '#shared/http/problem.ts';
import { parseJsonBody } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { purgePlanningService } from '#shared/runtime/compliance-deps.ts';
import * as z from '#shared/validation/zod.ts';

export const PreviewBody = z.strictObject({
  cursor: z.optional(z.string().check(z.maxLength(4000))),
  limit: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(500)), 200),
  /** Candidates per class before the cut-off, from the per-day counts (no full read; for progress bars). */
  totals: z._default(z.boolean(), false),
});

/** POST /retention/preview — lead+: the dry run of the retention purge, one page at a time; writes nothing. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  if (ROLE_RANK[principal.role] < ROLE_RANK.lead)
    throw problems.forbidden('Only a lead, manager or ops can preview a purge.');
  const body = parseJsonBody(event, PreviewBody);
  try {
    return json(200, await purgePlanningService().preview(principal.desk, body));
  } catch (error) {
    if (error instanceof PreviewCursorError)
      throw problems.validation([{ pointer: '/cursor', detail: error.message }]);
    throw error;
  }
});
