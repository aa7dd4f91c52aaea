import type { Message } from '../tickets/model.ts';
import type { StoredTicket } from '../tickets/ports.ts';
import { type DeliveryDeps, type DeliveryReport, SEND_LEASE_MS, sendClaimedMail } from './deliver.ts';
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
