import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { consentDeps } from '#shared/runtime/privacy-deps.ts';

/** GET /tickets/{id}/consents — the ticket's consent requests and their state now (staff, or the requester). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const items = await consentDeps().list(principal, pathParameter(event, 'id', PathParameter.ulid));
  return json(200, { items });
});
