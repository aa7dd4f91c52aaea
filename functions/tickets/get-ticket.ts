import { apiRoute, json } from '#shared/http/api-handler.ts';
import { etagOf, PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiDeps } from '#shared/runtime/api-deps.ts';

/** GET /tickets/{id} — the ticket with the messages the caller may see. */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    const ticket = await apiDeps().tickets.getTicket(
      principal,
      pathParameter(event, 'id', PathParameter.ulid),
    );
    return json(200, ticket, { etag: etagOf(ticket.version) });
  },
);
