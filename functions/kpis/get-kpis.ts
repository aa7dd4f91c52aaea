import { apiRoute, json } from '#shared/http/api-handler.ts';
import { problems } from '#shared/http/problem.ts';
import { parseQuery } from '#shared/http/request.ts';
import { PERIODS } from '#shared/kpis/report.ts';
import { kpiDeps } from '#shared/runtime/ops-deps.ts';
import { Slug } from '#shared/tickets/model.ts';
import * as z from '#shared/validation/zod.ts';

export const KpiQuery = z.strictObject({
  /** Optional, and must be the token's desk. */
  desk: z.optional(Slug),
  period: z._default(z.enum(Object.keys(PERIODS) as [keyof typeof PERIODS]), '30d'),
  trend: z._default(z.enum(['daily', 'weekly']), 'daily'),
});

/** GET /kpis — the desk's KPIs over 30, 90 or 365 days beside the policy's targets, with a trend. */
export const handler = apiRoute(
  () => kpiDeps().verifyToken,
  async ({ event, principal }) => {
    const query = parseQuery(event, KpiQuery);
    if (query.desk && query.desk !== principal.desk) throw problems.notFound(`Desk ${query.desk}`);
    return json(200, await kpiDeps().kpis.report(principal, query));
  },
);
