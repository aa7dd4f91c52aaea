import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { suspendedMailDeps } from '#shared/runtime/mail-record-deps.ts';

/** GET /mail/suspended/{id} — one suspended mail with its verdicts and reason (lead+). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) =>
  json(200, await suspendedMailDeps().get(principal, pathParameter(event, 'id', PathParameter.mailKey))),
);
