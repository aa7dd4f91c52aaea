import { SetHoldBody } from '#shared/compliance/hold-service.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseJsonBody } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { holdChangeService } from '#shared/runtime/compliance-deps.ts';

/** POST /legal-holds — lead+: holds a ticket or a requester; nothing they cover is purged or erased. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const { hold, created } = await holdChangeService().set(principal, parseJsonBody(event, SetHoldBody));
  return json(created ? 201 : 200, hold, { location: `/legal-holds/${hold.id}` });
});
