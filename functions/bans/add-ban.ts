import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseJsonBody } from '#shared/http/request.ts';
import { apiDeps } from '#shared/runtime/api-deps.ts';
import { AddBanBody } from '#shared/tickets/bans.ts';

/** POST /bans — bans a requester from the desk's support (lead+). */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) =>
    json(201, await apiDeps().bans.add(principal, parseJsonBody(event, AddBanBody))),
);
