import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarReadService } from '#shared/runtime/compliance-deps.ts';

/** GET /dsar/{id} — the request (staff: with its history and notices; the requester: its status and outcome). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const result = await dsarReadService().get(principal, pathParameter(event, 'id', PathParameter.ulid));
  return json(200, result);
});
