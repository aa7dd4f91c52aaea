import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiDeps, ticketReadDeps } from '#shared/runtime/api-deps.ts';

/** GET /tickets/{id}/sla — current clocks and deadlines, the metric event log, and what the workflow applied. */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) =>
    json(
      200,
      await ticketReadDeps().tickets.getTicketSla(principal, pathParameter(event, 'id', PathParameter.ulid)),
    ),
);
