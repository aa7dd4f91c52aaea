import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { ConsentDecisionBody } from '#shared/privacy/consent.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { consentDeps } from '#shared/runtime/privacy-deps.ts';

/** POST /tickets/{id}/consents/{consentId}/decision — the requester grants, refuses or revokes. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const { decision } = parseJsonBody(event, ConsentDecisionBody);
  const consent = await consentDeps().decideAsCustomer(
    principal,
    pathParameter(event, 'id', PathParameter.ulid),
    pathParameter(event, 'consentId', PathParameter.ulid),
    decision,
  );
  return json(200, consent);
});
