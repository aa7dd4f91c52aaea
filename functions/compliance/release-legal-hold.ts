import { ReleaseHoldBody } from '#shared/compliance/hold-service.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { holdChangeService } from '#shared/runtime/compliance-deps.ts';

/** POST /legal-holds/{id}/release — lead+: releases a hold, with the reason. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const id = pathParameter(event, 'id', PathParameter.legalHold);
  const body = parseJsonBody(event, ReleaseHoldBody);
  const result = await holdChangeService().release(principal, id, body);
  return json(200, result);
});
