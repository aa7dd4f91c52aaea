import { apiRoute } from '#shared/http/api-handler.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { dsarDownloadService } from '#shared/runtime/compliance-deps.ts';

/** GET /dsar/{id}/export — the export bundle (JSON) for the verified requester or a lead; every download is audited. */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const bundle = await dsarDownloadService().download(
    principal,
    pathParameter(event, 'id', PathParameter.ulid),
  );
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/json',
      'content-disposition': `attachment; filename="${bundle.filename}"`,
      'x-content-sha256': bundle.sha256,
      'cache-control': 'no-store',
    },
    body: bundle.body,
  };
});
