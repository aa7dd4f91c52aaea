import { ComplianceJobsEnv, parseEnv } from '#shared/config/env.ts';
import { complianceDeps } from '#shared/runtime/compliance-deps.ts';

/** Every 15 minutes: applies DSAR and appeal deadlines whose one-time schedule did not (the safety net). */
export const handler = async () => {
  const desks = parseEnv(ComplianceJobsEnv).DESKS.split(',');
  const result = await complianceDeps().deadlines.sweep(desks);
  const acted = result.reports.filter((r) => r.applied || r.failed.length);
  if (acted.length)
    console.log(JSON.stringify({ level: 'INFO', message: 'compliance deadlines swept', reports: acted }));
  return result;
};
