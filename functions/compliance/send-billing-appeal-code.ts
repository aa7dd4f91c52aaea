import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { appealVerificationService } from '#shared/runtime/compliance-deps.ts';

/** POST /billing-appeals/{id}/verification — sends the requester a new one-time code (desks that verify identity before releasing billing information). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const result = await appealVerificationService().resendCode(
    principal,
    pathParameter(event, 'id', PathParameter.ulid),
  );
  return json(200, result);
});
