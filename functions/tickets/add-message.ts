import { apiRoute, json } from '#shared/http/api-handler.ts';
import {
  etagOf,
  idempotencyKey,
  PathParameter,
  parseJsonBody,
  pathParameter,
  requestFingerprint,
} from '#shared/http/request.ts';
import { apiDeps, ticketWriteDeps } from '#shared/runtime/api-deps.ts';
import { AddMessageBody } from '#shared/tickets/commands.ts';

/** POST /tickets/{id}/messages — a public reply or an internal note. */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    const ticketId = pathParameter(event, 'id', PathParameter.ulid);
    const body = parseJsonBody(event, AddMessageBody);
    const key = idempotencyKey(event);
    const idem = key ? { key, requestHash: requestFingerprint(event) } : undefined;
    const result = await ticketWriteDeps().tickets.addMessage(principal, ticketId, body, idem);
    return json(
      201,
      {
        ticket: result.ticket,
        messageId: result.messageId,
        ...(result.message ? { message: result.message } : {}),
      },
      {
        location: `/tickets/${ticketId}#message-${result.messageId}`,
        etag: etagOf(result.ticket.version),
        ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
    );
  },
);
