import { apiRoute, json } from '#shared/http/api-handler.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { suspendedMailDeps } from '#shared/runtime/mail-record-deps.ts';

/** GET /mail/suspended — the desk's mail whose sender was not authenticated, newest first (lead+). */
export const handler = apiRoute(apiTokenVerifier, async ({ principal }) =>
  json(200, { items: await suspendedMailDeps().list(principal) }),
);
