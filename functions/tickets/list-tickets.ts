import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/request.ts';
import { apiDeps, ticketReadDeps } from '#shared/runtime/api-deps.ts';
import { Email, Priority, Status } from '#shared/tickets/model.ts';
import * as z from '#shared/validation/zod.ts';

export const ListTicketsQuery = z.strictObject({
  status: z.optional(Status),
  priority: z.optional(Priority),
  requester: z.optional(Email),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
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
