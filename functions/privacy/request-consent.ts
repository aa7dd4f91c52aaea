import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { RequestConsentBody } from '#shared/privacy/consent.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { consentRequestDeps } from '#shared/runtime/consent-request-deps.ts';

/** POST /tickets/{id}/consents — staff ask the requester to let them open private data; mailed with signed links. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const ticketId = pathParameter(event, 'id', PathParameter.ulid);
  const consent = await consentRequestDeps().request(
    principal,
    ticketId,
    parseJsonBody(event, RequestConsentBody),
  );
  return json(201, consent, { location: `/tickets/${ticketId}/consents#${consent.id}` });
});
