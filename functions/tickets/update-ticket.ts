import { apiRoute, json } from '#shared/http/api-handler.ts';
import {
  etagOf,
  PathParameter,
  parseJsonBody,
  pathParameter,
  requiredIfMatchVersion,
} from '#shared/http/request.ts';
import { apiDeps, ticketUpdateDeps } from '#shared/runtime/api-deps.ts';
import { UpdateTicketBody } from '#shared/tickets/commands.ts';

/** PATCH /tickets/{id} — status, priority, plan, tier, assignee; needs If-Match with the current version. */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    const ticketId = pathParameter(event, 'id', PathParameter.ulid);
    const expectedVersion = requiredIfMatchVersion(event);
    const patch = parseJsonBody(event, UpdateTicketBody);
    const ticket = await ticketUpdateDeps().tickets.updateTicket(principal, ticketId, patch, expectedVersion);
    return json(200, ticket, { etag: etagOf(ticket.version) });
  },
);
