import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarVerificationService } from '#shared/runtime/compliance-deps.ts';

/** POST /dsar/{id}/verification — sends a new one-time code to the requester (the previous one stops working). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const result = await dsarVerificationService().resendCode(
    principal,
    pathParameter(event, 'id', PathParameter.ulid),
  );
  return json(200, result);
});
