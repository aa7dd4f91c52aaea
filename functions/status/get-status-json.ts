import { json } from '#shared/http/api-handler.ts';
import { problems } from '#shared/http/problem.ts';
import { PUBLIC_SECURITY_HEADERS, publicRoute } from '#shared/http/public-route.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { statusFeedDeps } from '#shared/runtime/ops-deps.ts';

/** GET /desks/{desk}/status.json — the desk's public status and incident history (no token). */
export const handler = publicRoute('public-read', async (event) => {
  const desk = pathParameter(event, 'desk', PathParameter.desk);
  const { incidents, publicBaseUrl } = statusFeedDeps();
  const feed = await incidents.feed(desk, publicBaseUrl, 'json');
  if (!feed) throw problems.notFound(`Desk ${desk}`);
  return json(200, feed, {
    'cache-control': 'public, max-age=60',
    'access-control-allow-origin': '*',
    ...PUBLIC_SECURITY_HEADERS,
  });
});
