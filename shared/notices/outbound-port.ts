import type { MailStore } from '../mail/ports.ts';
import { logger } from '../observability/logger.ts';
import type { Clock } from '../time/clock.ts';
import { type DeliveryDeps, type DeliveryReport, deliverPendingMail } from './deliver.ts';

/**
 * What a writer of outbound mail does around its write: note the ticket in the desk's outbox
 * partition first (so the sweep finds it if the process dies after the write), then deliver
 * after the write and forget the note once nothing is left pending.
 */
export interface OutboundMailPort {
  beforeCommit(desk: string, ticketId: string): Promise<string>;
  afterCommit(desk: string, ticketId: string, nonce: string): Promise<DeliveryReport | undefined>;
}

export function outboundMailPort(
  deps: DeliveryDeps & { mailStore: MailStore; clock: Clock },
): OutboundMailPort {
  return {
    beforeCommit: (desk, ticketId) =>
      deps.mailStore.touchOutbox(desk, ticketId, deps.clock.now().toISOString()),
    async afterCommit(desk, ticketId, nonce) {
      try {
        const report = await deliverPendingMail(deps, desk, ticketId);
        if (report.pending === 0) await deps.mailStore.clearOutbox(desk, ticketId, nonce);
        return report;
      } catch (error) {
        // The note stays: the outbound sweep retries within a minute or two.
        logger.warn('outbound mail deferred to the sweep', { desk, ticketId, error: String(error) });
        return undefined;
      }
    },
  };
}

/** Notes older than this are the sweep's; younger ones belong to a writer that may still be delivering. */
export const OUTBOX_SWEEP_GRACE_MS = 60_000;

/**
 * The safety net: delivers for every ticket noted in a desk's outbox partition for longer than the
 * grace period. A sweep after a restart passes `graceMs` 0: no writer of this process is delivering
 * yet, and entries a resumed writer takes meanwhile are protected by their claim.
 */
export async function sweepOutboundMail(
  deps: DeliveryDeps & { mailStore: MailStore; clock: Clock },
  desk: string,
  limit = 100,
  graceMs = OUTBOX_SWEEP_GRACE_MS,
) {
  const before = deps.clock.now().getTime() - graceMs;
  const pointers = (await deps.mailStore.listOutbox(desk, limit)).filter(
    (p) => Date.parse(p.touchedAt) <= before,
  );
  const reports: DeliveryReport[] = [];
  for (const p of pointers) {
    const report = await deliverPendingMail(deps, desk, p.ticketId);
    if (report.pending === 0) await deps.mailStore.clearOutbox(desk, p.ticketId, p.nonce);
    reports.push(report);
  }
  return { desk, examined: pointers.length, reports };
}
