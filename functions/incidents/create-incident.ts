import { apiRoute, json } from '#shared/http/api-handler.ts';
import { etagOf, idempotencyKey, parseJsonBody, requestFingerprint } from '#shared/http/request.ts';
import { CreateIncidentBody } from '#shared/incidents/commands.ts';
import { incidentChangeDeps } from '#shared/runtime/ops-deps.ts';

/** POST /incidents — ops opens an incident, published on the desk's status feeds. */
export const handler = apiRoute(
  () => incidentChangeDeps().verifyToken,
  async ({ event, principal }) => {
    const body = parseJsonBody(event, CreateIncidentBody);
    const key = idempotencyKey(event);
    const idem = key ? { key, requestHash: requestFingerprint(event) } : undefined;
    const { incident, replayed } = await incidentChangeDeps().incidents.create(principal, body, idem);
    return json(201, incident, {
      location: `/incidents/${incident.id}`,
      etag: etagOf(incident.version),
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
  },
);
