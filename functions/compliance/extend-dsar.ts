import { ExtensionBody } from '#shared/compliance/dsar.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarLifecycleService } from '#shared/runtime/compliance-deps.ts';

/** POST /dsar/{id}/extension — lead+: one extension of up to two months, with the reason (where the desk's policy allows one). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const id = pathParameter(event, 'id', PathParameter.ulid);
  const body = parseJsonBody(event, ExtensionBody);
  const result = await dsarLifecycleService().extend(principal, id, body);
  return json(200, result);
});
