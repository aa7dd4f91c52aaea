import { CreateDsarBody } from '#shared/compliance/dsar-service.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { idempotencyKey, parseJsonBody, requestFingerprint } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarLifecycleService } from '#shared/runtime/compliance-deps.ts';

/** POST /dsar — a data subject request: a customer's own, or filed by staff for someone. A one-time code goes to the requester. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const body = parseJsonBody(event, CreateDsarBody);
  const key = idempotencyKey(event);
  const idem = key ? { key, requestHash: requestFingerprint(event) } : undefined;
  const { dsar, replayed } = await dsarLifecycleService().create(principal, body, idem);
  return json(201, dsar, {
    location: `/dsar/${dsar.id}`,
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});
