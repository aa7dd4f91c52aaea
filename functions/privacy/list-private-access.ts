import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { consentDeps } from '#shared/runtime/privacy-deps.ts';

/** GET /tickets/{id}/private-access — every opening of the ticket's private data: who, what class, when (leads, managers). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const items = await consentDeps().accessLog(principal, pathParameter(event, 'id', PathParameter.ulid));
  return json(200, { items });
});
