import { apiRoute } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiDeps } from '#shared/runtime/api-deps.ts';

/** DELETE /bans/{email} — lifts a ban (lead+). */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    await apiDeps().bans.remove(principal, pathParameter(event, 'email', PathParameter.banTarget));
    return { statusCode: 204 };
  },
);
