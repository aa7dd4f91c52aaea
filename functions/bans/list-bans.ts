import { apiRoute, json } from '#shared/http/api-handler.ts';
import { apiDeps } from '#shared/runtime/api-deps.ts';

/** GET /bans — the desk's ban list with refused-attempt counts (staff). */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ principal }) => json(200, { items: await apiDeps().bans.list(principal) }),
);
