import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { appealReadService } from '#shared/runtime/compliance-deps.ts';

/** GET /billing-appeals/{id} — the appeal; the requester sees billing figures only once their identity is verified where the desk requires it. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const result = await appealReadService().get(principal, pathParameter(event, 'id', PathParameter.ulid));
  return json(200, result);
});
