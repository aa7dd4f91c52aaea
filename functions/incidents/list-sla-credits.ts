import { apiRoute, json } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/request.ts';
import { creditDeps } from '#shared/runtime/incident-deps.ts';
import * as z from '#shared/validation/zod.ts';

export const ListSlaCreditsQuery = z.strictObject({
  month: z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a UTC month YYYY-MM')),
});

/** GET /sla-credits?month=YYYY-MM — a month's availability per plan and each account's credit (billing roles of the pack). */
export const handler = apiRoute(
  () => creditDeps().verifyToken,
  async ({ event, principal }) => {
    const { month } = parseQuery(event, ListSlaCreditsQuery);
    return json(200, await creditDeps().credits.list(principal, month));
  },
);
