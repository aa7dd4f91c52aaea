import { apiRoute, json } from '#shared/http/api-handler.ts';
import { etagOf, idempotencyKey, parseJsonBody, requestFingerprint } from '#shared/http/request.ts';
import { apiDeps, ticketWriteDeps } from '#shared/runtime/api-deps.ts';
import { CreateTicketBody } from '#shared/tickets/commands.ts';

/** POST /tickets — opens a ticket; a retry with the same Idempotency-Key returns the same ticket. */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    const body = parseJsonBody(event, CreateTicketBody);
    const key = idempotencyKey(event);
    const idem = key ? { key, requestHash: requestFingerprint(event) } : undefined;
    const { ticket, replayed } = await ticketWriteDeps().tickets.createTicket(principal, body, idem);
    return json(201, ticket, {
      location: `/tickets/${ticket.id}`,
      etag: etagOf(ticket.version),
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
  },
);
