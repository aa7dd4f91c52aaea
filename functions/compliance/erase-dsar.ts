import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarFulfilmentService } from '#shared/runtime/compliance-deps.ts';

/**
 * POST /dsar/{id}/erasure — lead+ carries out an erasure request (identity verified first; legal holds
 * respected): 200 when done, 202 with `progress` while later batches run in the background.
 */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const result = await dsarFulfilmentService().erase(
    principal,
    pathParameter(event, 'id', PathParameter.ulid),
  );
  return json(result.progress?.status === 'running' ? 202 : 200, result);
});
