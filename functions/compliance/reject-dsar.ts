import { RejectionBody } from '#shared/compliance/dsar.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarLifecycleService } from '#shared/runtime/compliance-deps.ts';

/** POST /dsar/{id}/rejection — lead+: closes the request unfulfilled, with the reason the requester is told. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const id = pathParameter(event, 'id', PathParameter.ulid);
  const body = parseJsonBody(event, RejectionBody);
  const result = await dsarLifecycleService().reject(principal, id, body);
  return json(200, result);
});
