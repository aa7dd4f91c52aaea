import type { MailStore } from '../mail/ports.ts';
import type { Message } from '../tickets/model.ts';
import type { StoredTicket } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import {
  type DeliveryDeps,
  type DeliveryReport,
  deliverPendingMail,
  SEND_LEASE_MS,
  sendClaimedMail,
} from './deliver.ts';
import type { OutboundMail, OutboundOutcome } from './outbound.ts';

/**
 * What the workflow's Apply step needs to send the mail it queues: the ticket with its messages (mail
 * is rendered from them; bodies kept in the object store included), a send lease on the real clock,
 * and the sending itself. The Apply step claims the entries in its own conditional write and the
 * outcomes are recorded with the park, so no separate note, claim or record is written.
 */
export interface OutboundMailPort {
  read(desk: string, ticketId: string): Promise<{ stored: StoredTicket; messages: Message[] } | undefined>;
  lease(): { now: string; until: string };
  send(
    found: { stored: StoredTicket; messages: Message[] },
    claimed: ReadonlyArray<{ index: number; entry: OutboundMail }>,
  ): Promise<{ outcomes: OutboundOutcome[]; report: DeliveryReport }>;
}

export function outboundMailPort(deps: DeliveryDeps): OutboundMailPort {
  return {
    read: (desk, ticketId) => deps.ticketStore.getTicketWithMessages(desk, ticketId),
    lease() {
      const now = deps.leaseClock.now();
      return { now: now.toISOString(), until: new Date(now.getTime() + SEND_LEASE_MS).toISOString() };
    },
    send: (found, claimed) => sendClaimedMail(deps, found, claimed),
  };
}

/** Listings younger than this are the workflow's; older ones are the sweep's. */
export const OUTBOX_SWEEP_GRACE_MS = 60_000;

/**
 * The safety net: delivers for every ticket listed with mail pending for longer than the grace
 * period (a sender that died, a retry that came due). Also drains the per-desk outbox notes that
 * earlier versions wrote before each mail-queuing write, while any are left. A sweep after a
 * restart passes `graceMs` 0: no writer of this process is delivering yet, and entries a resumed
 * writer takes meanwhile are protected by their claim.
 */
export async function sweepOutboundMail(
  deps: DeliveryDeps & { mailStore: MailStore; clock: Clock },
  desk: string,
  limit = 100,
  graceMs = OUTBOX_SWEEP_GRACE_MS,
) {
  const before = deps.clock.now().getTime() - graceMs;
  const listed = await deps.ticketStore.listMailPending(desk, new Date(before + 1).toISOString(), limit);
  const notes = (await deps.mailStore.listOutbox(desk, limit)).filter(
    (p) => Date.parse(p.touchedAt) <= before,
  );
  const reports: DeliveryReport[] = [];
  const seen = new Set<string>();
  for (const p of listed) {
    seen.add(p.ticketId);
    reports.push(await deliverPendingMail(deps, desk, p.ticketId));
  }
  for (const p of notes) {
    const report = seen.has(p.ticketId)
      ? reports.find((r) => r.ticketId === p.ticketId)!
      : await deliverPendingMail(deps, desk, p.ticketId);
    if (!seen.has(p.ticketId)) reports.push(report);
    if (report.pending === 0) await deps.mailStore.clearOutbox(desk, p.ticketId, p.nonce);
  }
  return { desk, examined: reports.length, reports };
}
