import { VerificationBody } from '#shared/compliance/dsar.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarVerificationService } from '#shared/runtime/compliance-deps.ts';

/** POST /dsar/{id}/verify — `{code}` from the requester's email, or a lead's `{attestation: {method, note}}`. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const id = pathParameter(event, 'id', PathParameter.ulid);
  const body = parseJsonBody(event, VerificationBody);
  const result = await dsarVerificationService().verify(principal, id, body);
  return json(200, result);
});
