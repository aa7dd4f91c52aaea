import { apiRoute, json } from '#shared/http/api-handler.ts';
import { etagOf, PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { RecordNotificationBody } from '#shared/incidents/breach.ts';
import { breachDeps } from '#shared/runtime/incident-deps.ts';

/** POST /incidents/{id}/breach-notifications — records a notification sent about a reportable breach. */
export const handler = apiRoute(
  () => breachDeps().verifyToken,
  async ({ event, principal }) => {
    const id = pathParameter(event, 'id', PathParameter.ulid);
    const body = parseJsonBody(event, RecordNotificationBody);
    const incident = await breachDeps().breaches.recordNotification(principal, id, body);
    return json(201, incident, { etag: etagOf(incident.version) });
  },
);
