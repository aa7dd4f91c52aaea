import * as z from 'zod';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/request.ts';
import { apiDeps, ticketReadDeps } from '#shared/runtime/api-deps.ts';
import { Email, Priority, Status } from '#shared/tickets/model.ts';

export const ListTicketsQuery = z.strictObject({
  status: Status.optional(),
  priority: Priority.optional(),
  requester: Email.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

/** GET /tickets — the caller's tickets (customers) or the desk's (staff), one page at a time. */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    const query = parseQuery(event, ListTicketsQuery);
    const page = await ticketReadDeps().tickets.listTickets(principal, query);
    return json(200, { items: page.tickets, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
  },
);
