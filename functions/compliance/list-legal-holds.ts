import { ListHoldsQuery } from '#shared/compliance/hold-service.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { holdReadService } from '#shared/runtime/compliance-deps.ts';

/** GET /legal-holds — staff: the desk's holds (`?status=active|released`), newest first. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const page = await holdReadService().list(principal, parseQuery(event, ListHoldsQuery));
  return json(200, { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
});
