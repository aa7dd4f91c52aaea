import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiDeps } from '#shared/runtime/api-deps.ts';
import { consentDeps } from '#shared/runtime/privacy-deps.ts';

/** GET /tickets/{id}/private-access — every opening of the ticket's private data: who, what class, when (leads, managers). */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    const items = await consentDeps().accessLog(principal, pathParameter(event, 'id', PathParameter.ulid));
    return json(200, { items });
  },
);
