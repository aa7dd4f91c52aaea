import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseJsonBody } from '#shared/http/request.ts';
import { apiDeps } from '#shared/runtime/api-deps.ts';
import { PreviewRequest, previewForCaller } from '#shared/sla/preview-request.ts';

/** POST /sla/preview — every deadline, warning and action for a hypothetical ticket; no side effects. */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) =>
    json(200, previewForCaller(principal, parseJsonBody(event, PreviewRequest))),
);
