import * as z from 'zod';
import { sweepOutboundMail } from '#shared/notices/outbound-port.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { mailOutboundDeps } from '#shared/runtime/mail-deps.ts';

/**
 * The scheduled event, or a sweep after a restart: `{"graceSeconds": 0}` also takes the tickets
 * noted in the last minute (nothing of the restarted process is delivering them yet).
 */
const SweepRequest = z.looseObject({ graceSeconds: z.number().int().min(0).max(3600).optional() });

/** Scheduled every minute: sends outbound mail that its writer could not (a crash, an SES error). */
export const handler = asyncHandler('sweep-outbound-mail', SweepRequest, async (request, { log }) => {
  const deps = mailOutboundDeps();
  const graceMs = request.graceSeconds === undefined ? undefined : request.graceSeconds * 1000;
  const sweeps = [];
  for (const desk of deps.desks) sweeps.push(await sweepOutboundMail(deps, desk, 100, graceMs));
  const acted = sweeps.filter((s) => s.examined > 0);
  if (acted.length) {
    log.info('outbound mail sweep', {
      ...(request.graceSeconds === undefined ? {} : { graceSeconds: request.graceSeconds }),
      sweeps: acted.map((s) => ({
        desk: s.desk,
        tickets: s.examined,
        sent: s.reports.reduce((n, r) => n + r.sent.length, 0),
        failed: s.reports.reduce((n, r) => n + r.failed.length, 0),
        pending: s.reports.reduce((n, r) => n + r.pending, 0),
      })),
    });
  }
  return { sweeps };
});
