import * as z from 'zod';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/request.ts';
import { incidentReadDeps } from '#shared/runtime/ops-deps.ts';

export const ListIncidentsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** GET /incidents — the desk's incidents, newest first, with their post-incident review state (staff). */
export const handler = apiRoute(
  () => incidentReadDeps().verifyToken,
  async ({ event, principal }) => {
    const { limit } = parseQuery(event, ListIncidentsQuery);
    return json(200, await incidentReadDeps().incidents.list(principal, limit));
  },
);
