import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseQuery, pathParameter } from '#shared/http/request.ts';
import { opsDeps } from '#shared/runtime/ops-deps.ts';
import * as z from '#shared/validation/zod.ts';

export const HistoryQuery = z.strictObject({
  /** Raw state inputs and outputs (larger responses); off by default. */
  includeData: z._default(z.enum(['true', 'false']), 'false'),
});

/** GET /tickets/{id}/history — the ticket's SLA workflow executions as readable steps (staff only). */
export const handler = apiRoute(
  () => opsDeps().verifyToken,
  async ({ event, principal }) => {
    const { includeData } = parseQuery(event, HistoryQuery);
    return json(
      200,
      await opsDeps().ops.ticketHistory(principal, pathParameter(event, 'id', PathParameter.ulid), {
        withData: includeData === 'true',
      }),
    );
  },
);
