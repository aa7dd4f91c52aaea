import { apiRoute, json } from '#shared/http/api-handler.ts';
import {
  etagOf,
  PathParameter,
  parseJsonBody,
  pathParameter,
  requiredIfMatchVersion,
} from '#shared/http/request.ts';
import { UpdateIncidentBody } from '#shared/incidents/commands.ts';
import { incidentChangeDeps } from '#shared/runtime/ops-deps.ts';

/** PATCH /incidents/{id} — a public update, status/impact change, linked tickets, review done (If-Match). */
export const handler = apiRoute(
  () => incidentChangeDeps().verifyToken,
  async ({ event, principal }) => {
    const id = pathParameter(event, 'id', PathParameter.ulid);
    const expectedVersion = requiredIfMatchVersion(event);
    const patch = parseJsonBody(event, UpdateIncidentBody);
    const incident = await incidentChangeDeps().incidents.update(principal, id, patch, expectedVersion);
    return json(200, incident, { etag: etagOf(incident.version) });
  },
);
