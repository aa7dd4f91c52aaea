import { sweepDeskOutbox } from '#shared/notices/outbound-sweep.ts';
import { emitGauge } from '#shared/observability/metrics.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { mapBounded, SWEEP_CONCURRENCY } from '#shared/runtime/bounded-concurrency.ts';
import { mailOutboundDeps } from '#shared/runtime/mail-deps.ts';
import * as z from '#shared/validation/zod.ts';

/**
 * The scheduled event, or a sweep after a restart: `{"graceSeconds": 0}` also takes the tickets
 * noted in the last minute (nothing of the restarted process is delivering them yet).
 */
const SweepRequest = z.looseObject({
  graceSeconds: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(3600))),
});

/** Real time one run may spend delivering, below the one-minute schedule. */
const BUDGET_MS = 45_000;

/** Scheduled every minute: sends outbound mail that its writer could not (a crash, an SES error); desks in parallel. */
export const handler = asyncHandler('sweep-outbound-mail', SweepRequest, async (request, { log }) => {
  const deps = mailOutboundDeps();
  const graceMs = request.graceSeconds === undefined ? undefined : request.graceSeconds * 1000;
  const stopAt = Date.now() + BUDGET_MS;
  const sweeps = await mapBounded(deps.desks, SWEEP_CONCURRENCY, (desk) =>
    sweepDeskOutbox(deps, desk, { graceMs, timeLeft: () => Date.now() < stopAt }),
  );
  for (const s of sweeps) emitGauge('OutboundSweepBacklog', s.backlog, s.desk);
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
        backlog: s.backlog,
      })),
    });
  }
  return { sweeps };
});
