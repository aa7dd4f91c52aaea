import { VerificationBody } from '#shared/compliance/dsar.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { appealVerificationService } from '#shared/runtime/compliance-deps.ts';

/** POST /billing-appeals/{id}/verify — identity verification before billing information is released (code or a lead's attestation). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const id = pathParameter(event, 'id', PathParameter.ulid);
  const body = parseJsonBody(event, VerificationBody);
  const result = await appealVerificationService().verify(principal, id, body);
  return json(200, result);
});
