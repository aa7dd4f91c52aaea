import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { ReleaseSuspendedMailBody } from '#shared/mail/suspended.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { suspendedMailReleaseDeps } from '#shared/runtime/mail-intake-deps.ts';

/** POST /mail/suspended/{id}/release — to `{"ticketId"}` or, with `{}`, a new ticket (lead+). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) =>
  json(
    200,
    await suspendedMailReleaseDeps().release(
      principal,
      pathParameter(event, 'id', PathParameter.mailKey),
      parseJsonBody(event, ReleaseSuspendedMailBody),
    ),
  ),
);
