import { ListAppealsQuery } from '#shared/compliance/appeal-service.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { appealReadService } from '#shared/runtime/compliance-deps.ts';

/** GET /billing-appeals — staff: the desk's appeals, newest first; customers: their own. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const page = await appealReadService().list(principal, parseQuery(event, ListAppealsQuery));
  return json(200, { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
});
