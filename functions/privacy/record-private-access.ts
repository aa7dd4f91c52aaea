import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { RecordAccessBody } from '#shared/privacy/consent-service.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { consentDeps } from '#shared/runtime/privacy-deps.ts';

/** POST /tickets/{id}/private-access — staff open private data tierdesk does not hold (a screen share): only under a live consent, recorded. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const record = await consentDeps().recordOpening(
    principal,
    pathParameter(event, 'id', PathParameter.ulid),
    parseJsonBody(event, RecordAccessBody),
  );
  return json(201, record);
});
