import * as z from 'zod';
import { ROLE_RANK } from '#shared/compliance/records.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { problems } from '#shared/http/problem.ts';
import { parseQuery } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { complianceRecords } from '#shared/runtime/compliance-deps.ts';

export const AuditQuery = z.strictObject({
  from: z.iso.datetime().or(z.iso.date()),
  to: z.iso.datetime().or(z.iso.date()),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
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
