import { apiRoute, json } from '#shared/http/api-handler.ts';
import { problems } from '#shared/http/problem.ts';
import { parseQuery } from '#shared/http/request.ts';
import { RISK_LEVELS } from '#shared/ops/queue.ts';
import { queueDeps } from '#shared/runtime/ops-deps.ts';
import { Priority, Slug, Status } from '#shared/tickets/model.ts';
import { enumWithout } from '#shared/validation/enum-without.ts';
import * as z from '#shared/validation/zod.ts';

export const QueueQuery = z.strictObject({
  /** Optional, and must be the token's desk: another desk's queue does not exist for the caller. */
  desk: z.optional(Slug),
  status: z.optional(enumWithout(Status, ['solved', 'closed'])),
  priority: z.optional(Priority),
  risk: z.optional(z.enum(RISK_LEVELS)),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 100),
  /** `nextCursor` of the previous page. */
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
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
