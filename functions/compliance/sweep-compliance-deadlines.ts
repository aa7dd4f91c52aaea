import { ComplianceJobsEnv } from '#shared/config/env.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { complianceDeadlineService } from '#shared/runtime/compliance-deps.ts';
import { runtimeEnv } from '#shared/runtime/runtime.ts';
import * as z from '#shared/validation/zod.ts';

/** Every 15 minutes: applies DSAR and appeal deadlines whose one-time schedule did not (the safety net). */
export const handler = asyncHandler('sweep-compliance-deadlines', z.unknown(), async (_event, { log }) => {
  const desks = runtimeEnv(ComplianceJobsEnv).DESKS.split(',');
  const result = await complianceDeadlineService().sweep(desks);
  const acted = result.reports.filter((r) => r.applied || r.failed.length);
  if (acted.length) log.info('compliance deadlines swept', { reports: acted });
  return result;
});
