import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiDeps } from '#shared/runtime/api-deps.ts';
import { complianceDeps } from '#shared/runtime/compliance-deps.ts';

/** POST /dsar/{id}/export — lead+ approves and builds the access request's export bundle (identity verified first). */
export const handler = apiRoute(
  () => apiDeps().verifyToken,
  async ({ event, principal }) => {
    const result = await complianceDeps().dsars.export(
      principal,
      pathParameter(event, 'id', PathParameter.ulid),
    );
    return json(201, result);
  },
);
