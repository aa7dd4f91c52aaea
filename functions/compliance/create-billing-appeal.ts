import { CreateAppealBody } from '#shared/compliance/billing-appeal.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { idempotencyKey, parseJsonBody, requestFingerprint } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { appealLifecycleService } from '#shared/runtime/compliance-deps.ts';

/** POST /billing-appeals — opens a billing appeal at the first stage of the desk's process (or answers it with the policy). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const body = parseJsonBody(event, CreateAppealBody);
  const key = idempotencyKey(event);
  const idem = key ? { key, requestHash: requestFingerprint(event) } : undefined;
  const { appeal, replayed } = await appealLifecycleService().create(principal, body, idem);
  return json(201, appeal, {
    location: `/billing-appeals/${appeal.id}`,
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});
