import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/request.ts';
import { incidentReadDeps } from '#shared/runtime/ops-deps.ts';
import * as z from '#shared/validation/zod.ts';

export const ListIncidentsQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
});

/** GET /incidents — the desk's incidents, newest first, with their post-incident review state (staff). */
export const handler = apiRoute(
  () => incidentReadDeps().verifyToken,
  async ({ event, principal }) => {
    const { limit } = parseQuery(event, ListIncidentsQuery);
    return json(200, await incidentReadDeps().incidents.list(principal, limit));
  },
);
