import type { MailStore } from '../mail/ports.ts';
import type { Clock } from '../time/clock.ts';
import type { PageKey, SweepPages } from '../workflow/ports.ts';
import { type DeliveryDeps, type DeliveryReport, deliverPendingMail } from './deliver.ts';
import { OUTBOX_SWEEP_GRACE_MS } from './outbound-port.ts';

/** Outbox notes read per page. */
export const OUTBOX_SWEEP_PAGE = 100;

/**
 * The outbound sweep over a whole desk: pages through every ticket listed with mail pending for longer
 * than the grace period, then through the outbox notes earlier versions wrote, while time is left (a
 * ticket stuck on a failing address no longer hides the ones behind it). The backlog is what it did not
 * reach plus what is still pending after this run.
 */
export async function sweepDeskOutbox(
  deps: DeliveryDeps & { mailStore: MailStore; clock: Clock; pages: SweepPages },
  desk: string,
  options: { timeLeft: () => boolean; graceMs?: number | undefined; pageSize?: number },
) {
  const before = deps.clock.now().getTime() - (options.graceMs ?? OUTBOX_SWEEP_GRACE_MS);
  const reports: DeliveryReport[] = [];
  let examined = 0;
  let backlog = 0;
  const deliver = async (ticketId: string) => {
    examined += 1;
    const report = await deliverPendingMail(deps, desk, ticketId);
    reports.push(report);
    return report;
  };
  // Tickets the Apply step listed with mail pending, listed longer than the grace period.
  let listed: PageKey | undefined;
  do {
    const page = await deps.pages.mailPending(
      desk,
      new Date(before + 1).toISOString(),
      listed,
      options.pageSize ?? OUTBOX_SWEEP_PAGE,
    );
    for (const p of page.items) {
      if (!options.timeLeft()) backlog += 1;
      else if ((await deliver(p.ticketId)).pending > 0) backlog += 1;
    }
    listed = page.next;
  } while (listed);
  // Outbox notes earlier versions wrote before each mail-queuing write, while any are left.
  let from: PageKey | undefined;
  do {
    const page = await deps.pages.outbox(desk, from, options.pageSize ?? OUTBOX_SWEEP_PAGE);
    const due = page.items.filter((p) => Date.parse(p.touchedAt) <= before);
    for (const p of due) {
      if (!options.timeLeft()) {
        backlog += 1;
        continue;
      }
      const report = await deliver(p.ticketId);
      if (report.pending === 0) await deps.mailStore.clearOutbox(desk, p.ticketId, p.nonce);
      else backlog += 1;
    }
    from = page.next;
  } while (from);
  return { desk, examined, reports, backlog };
}
