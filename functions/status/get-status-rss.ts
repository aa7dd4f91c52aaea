import { problems } from '#shared/http/problem.ts';
import { PUBLIC_SECURITY_HEADERS, publicRoute } from '#shared/http/public-route.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { statusFeedDeps } from '#shared/runtime/ops-deps.ts';

/** GET /desks/{desk}/status.rss — RSS 2.0, one item per public incident update (no token). */
export const handler = publicRoute('public-read', async (event) => {
  const desk = pathParameter(event, 'desk', PathParameter.desk);
  const { incidents, publicBaseUrl } = statusFeedDeps();
  const rss = await incidents.feed(desk, publicBaseUrl, 'rss');
  if (typeof rss !== 'string') throw problems.notFound(`Desk ${desk}`);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/rss+xml; charset=utf-8',
      'cache-control': 'public, max-age=60',
      'access-control-allow-origin': '*',
      ...PUBLIC_SECURITY_HEADERS,
    },
    body: rss,
  };
});
