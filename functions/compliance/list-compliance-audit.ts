import { ROLE_RANK } from '#shared/compliance/records.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { problems } from '#shared/http/problem.ts';
import { parseQuery } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { complianceRecords } from '#shared/runtime/compliance-deps.ts';
import * as z from '#shared/validation/zod.ts';

export const AuditQuery = z.strictObject({
  from: z.union([z.iso.datetime(), z.iso.date()]),
  to: z.union([z.iso.datetime(), z.iso.date()]),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 100),
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});

/** GET /compliance/audit?from&to — managers and ops: the desk's compliance audit log in time order (ids, counts, dates; no content). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  if (ROLE_RANK[principal.role] < ROLE_RANK.manager)
    throw problems.forbidden('The audit log is for managers and ops.');
  const q = parseQuery(event, AuditQuery);
  const page = await complianceRecords().listAudit(
    principal.desk,
    { from: q.from, to: q.to },
    q.limit,
    q.cursor,
  );
  return json(200, { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
});
