import * as z from 'zod';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { problems } from '#shared/http/problem.ts';
import { parseQuery } from '#shared/http/request.ts';
import { RISK_LEVELS } from '#shared/ops/queue.ts';
import { queueDeps } from '#shared/runtime/ops-deps.ts';
import { Priority, Slug, Status } from '#shared/tickets/model.ts';

export const QueueQuery = z.strictObject({
  /** Optional, and must be the token's desk: another desk's queue does not exist for the caller. */
  desk: Slug.optional(),
  status: Status.exclude(['solved', 'closed']).optional(),
  priority: Priority.optional(),
  risk: z.enum(RISK_LEVELS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(2000).optional(),
});

/** GET /queue — the desk's unresolved tickets, soonest SLA checkpoint first, paged, with time left and risk. */
export const handler = apiRoute(
  () => queueDeps().verifyToken,
  async ({ event, principal }) => {
    const query = parseQuery(event, QueueQuery);
    if (query.desk && query.desk !== principal.desk) throw problems.notFound(`Desk ${query.desk}`);
    return json(200, await queueDeps().ops.queue(principal, query));
  },
);
