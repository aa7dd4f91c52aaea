import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarFulfilmentService } from '#shared/runtime/compliance-deps.ts';

/**
 * POST /dsar/{id}/export — lead+ approves and starts the access request's export (identity verified
 * first): 201 when the bundle is ready, 202 with `progress` while later batches run in the background.
 */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const result = await dsarFulfilmentService().export(
    principal,
    pathParameter(event, 'id', PathParameter.ulid),
  );
  return json(result.progress?.status === 'running' ? 202 : 201, result);
});
