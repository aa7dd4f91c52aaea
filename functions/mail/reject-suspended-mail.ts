import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { RejectSuspendedMailBody } from '#shared/mail/suspended.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { suspendedMailDeps } from '#shared/runtime/mail-record-deps.ts';

/** POST /mail/suspended/{id}/reject — with `{"reason"}`; the mail never reaches a ticket (lead+). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) =>
  json(
    200,
    await suspendedMailDeps().reject(
      principal,
      pathParameter(event, 'id', PathParameter.mailKey),
      parseJsonBody(event, RejectSuspendedMailBody),
    ),
  ),
);
