import { apiRoute, json } from '#shared/http/api-handler.ts';
import { etagOf, PathParameter, pathParameter } from '#shared/http/request.ts';
import { incidentReadDeps } from '#shared/runtime/ops-deps.ts';

/** GET /incidents/{id} — one incident with its linked tickets and review state (staff). */
export const handler = apiRoute(
  () => incidentReadDeps().verifyToken,
  async ({ event, principal }) => {
    const incident = await incidentReadDeps().incidents.get(
      principal,
      pathParameter(event, 'id', PathParameter.ulid),
    );
    return json(200, incident, { etag: etagOf(incident.version) });
  },
);
