import { json } from '#shared/http/api-handler.ts';
import { PUBLIC_SECURITY_HEADERS, publicRoute } from '#shared/http/public-route.ts';
// Built by `npm run openapi` from the manifest and the zod schemas; a unit test keeps it current.
import document from '../../docs/openapi.json' with { type: 'json' };

/** GET /openapi.json — the API's OpenAPI 3.1 contract (no token: it is public, like docs/api.md). */
export const handler = publicRoute('public-read', async () =>
  json(200, document, {
    'cache-control': 'public, max-age=300',
    'access-control-allow-origin': '*',
    ...PUBLIC_SECURITY_HEADERS,
  }),
);
