import { DecisionBody } from '#shared/compliance/billing-appeal.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { appealLifecycleService } from '#shared/runtime/compliance-deps.ts';

/** POST /billing-appeals/{id}/decision — `approve`, `deny` or `escalate` at the current stage (by its role or above), or `refund-issued` after an approval. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const id = pathParameter(event, 'id', PathParameter.ulid);
  const body = parseJsonBody(event, DecisionBody);
  const result = await appealLifecycleService().decide(principal, id, body);
  return json(200, result);
});
