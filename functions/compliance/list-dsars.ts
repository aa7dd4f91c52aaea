import { ListDsarQuery } from '#shared/compliance/dsar-service.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarReadService } from '#shared/runtime/compliance-deps.ts';

/** GET /dsar — staff: the desk's requests, newest first; customers: their own. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const page = await dsarReadService().list(principal, parseQuery(event, ListDsarQuery));
  return json(200, { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
});
