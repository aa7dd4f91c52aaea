import { apiRoute, json } from '#shared/http/api-handler.ts';
import { etagOf, PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { MarkReportableBody } from '#shared/incidents/breach.ts';
import { breachDeps } from '#shared/runtime/incident-deps.ts';

/** POST /incidents/{id}/reportable-breach — a security incident is a reportable breach: its notification deadline starts. */
export const handler = apiRoute(
  () => breachDeps().verifyToken,
  async ({ event, principal }) => {
    const id = pathParameter(event, 'id', PathParameter.ulid);
    const body = parseJsonBody(event, MarkReportableBody);
    const incident = await breachDeps().breaches.markReportable(principal, id, body);
    return json(200, incident, { etag: etagOf(incident.version) });
  },
);
