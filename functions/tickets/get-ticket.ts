import { apiRoute, json } from '#shared/http/api-handler.ts';
import { etagOf, PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiDeps, ticketViewDeps } from '#shared/runtime/api-deps.ts';
import { consentDeps } from '#shared/runtime/privacy-deps.ts';

/** GET /tickets/{id} — the ticket with the messages the caller may see. */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    // Staff see private data (files that came with messages) only under the customer's live consent.
    const ticket = await consentDeps().staffTicketView(
      principal,
      await ticketViewDeps().tickets.getTicket(principal, pathParameter(event, 'id', PathParameter.ulid)),
    );
    return json(200, ticket, { etag: etagOf(ticket.version) });
  },
);
