import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseJsonBody } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dateHolidaysSource } from '#shared/sla/date-holidays-source.ts';
import { useHolidaySource } from '#shared/sla/holiday-source.ts';
import { PreviewRequest, previewForCaller } from '#shared/sla/preview-request.ts';

// Draft packs may name any country or region: this function carries the full holiday library.
useHolidaySource(dateHolidaysSource);

/** POST /sla/preview — every deadline, warning and action for a hypothetical ticket; no side effects. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) =>
  json(200, previewForCaller(principal, parseJsonBody(event, PreviewRequest))),
);
