import type { Audience } from '../policy/schema.ts';
import type { SlaEscalation } from '../sla/engine.ts';
import type { Ticket } from '../tickets/model.ts';
import type { SlaActionRecord } from '../workflow/model.ts';

/**
 * One mail the ticket owes somebody, queued on the ticket item in the same conditional write as
 * the change that causes it (an agent's public reply, an SLA notice the workflow applied), so it
 * can be neither lost nor queued twice: its `id` is the cause's stable id (`reply:<message id>`,
 * the SLA action id `notify:…`). The list is append-only; an entry moves pending → sent | skipped |
 * failed in place. Sending is at-least-once: an entry is claimed for a short lease before the send,
 * and a send that dies before it is marked is retried (same Message-ID and action id) after the
 * lease. The lease is real time: a send in flight holds it however far a virtual clock jumps.
 */
export interface OutboundMail {
  id: string;
  kind: 'reply' | 'notice';
  audience: Audience;
  /** Notices: the pack's template id, e.g. `techflow-acknowledgement`. */
  template?: string;
  /** Notices: may the text state a response or resolution time? (`promiseToCustomer` of the pack.) */
  promiseToCustomer?: boolean;
  /** Replies: the ticket message to send. */
  messageId?: string;
  /** Staff notices: what happened, as the workflow recorded it. */
  summary?: string;
  /** Escalation notices: the level reached and why (the text names both). */
  escalation?: SlaEscalation;
  /** The SLA action's instant (notices) or the reply's. */
  at: string;
  queuedAt: string;
  status: 'pending' | 'sent' | 'skipped' | 'failed';
  attempts: number;
  /** A sender holds the entry until then (real time); another may take it over afterwards. */
  claimedUntil?: string;
  /** Claimed by the ticket's create for the first Apply step of this execution (see shared/workflow/first-notices.ts). */
  claimedFor?: string;
  /** After a transient failure: not retried before then (business clock). */
  retryAt?: string;
  sentAt?: string;
  to?: string[];
  /** Message-ID the recipient sees (SES replaces ours with its own). */
  emailMessageId?: string;
  providerMessageId?: string;
  /** Why it was skipped or failed, or the last error of a retried send. */
  reason?: string;
}

/**
 * What became of one send (or a retry to schedule), to record on the entry at `index` of the ticket's
 * outbox: fields to set and fields to remove (plain JSON: it travels through the workflow's state).
 */
export interface OutboundOutcome {
  index: number;
  id: string;
  set: Record<string, unknown>;
  remove: string[];
}

/** An outcome from a patch in which `undefined` means "remove the field". */
export function outcomeOf(
  index: number,
  id: string,
  patch: { [K in keyof Omit<OutboundMail, 'id'>]?: OutboundMail[K] | undefined },
): OutboundOutcome {
  const entries = Object.entries(patch);
  return {
    index,
    id,
    set: Object.fromEntries(entries.filter(([, v]) => v !== undefined)),
    remove: entries.filter(([, v]) => v === undefined).map(([k]) => k),
  };
}

/** How long the suppression read at intake stands in for a read of its own (the acknowledgement's time). */
export const INTAKE_CHECK_FRESH_MS = 5 * 60_000;

/** Sends after this many failures are given up and recorded as failed. */
export const MAX_SEND_ATTEMPTS = 8;

/** The mail SLA actions cause: one entry per action with a notice. */
export function outboundForSlaActions(records: readonly SlaActionRecord[], now: Date): OutboundMail[] {
  return records.flatMap((r) =>
    r.notice
      ? [
          {
            id: r.id,
            kind: 'notice' as const,
            audience: r.notice.audience as Audience,
            template: r.notice.template,
            promiseToCustomer: r.notice.promiseToCustomer,
            summary: r.summary,
            ...(r.notice.escalation ? { escalation: r.notice.escalation } : {}),
            at: r.at,
            queuedAt: now.toISOString(),
            status: 'pending' as const,
            attempts: 0,
          },
        ]
      : [],
  );
}

/** An agent's public reply on an email ticket goes to the requester by mail. */
export function outboundForAgentReply(
  ticket: Pick<Ticket, 'channel'>,
  reply: { messageId: string; visibility: 'public' | 'internal'; at: string },
): OutboundMail[] {
  if (ticket.channel !== 'email' || reply.visibility !== 'public') return [];
  return [
    {
      id: `reply:${reply.messageId}`,
      kind: 'reply',
      audience: 'customer',
      messageId: reply.messageId,
      at: reply.at,
      queuedAt: reply.at,
      status: 'pending',
      attempts: 0,
    },
  ];
}

export const hasPendingMail = (outbox: readonly OutboundMail[] | undefined) =>
  (outbox ?? []).some((m) => m.status === 'pending');

/** Whether any entry is still pending once `outcomes` are recorded (a retry leaves its entry pending). */
export function pendingAfter(outbox: readonly OutboundMail[], outcomes: readonly OutboundOutcome[]): boolean {
  const settled = new Map(outcomes.map((o) => [o.index, o.set.status]));
  return outbox.some((m, i) => (settled.get(i) ?? m.status) === 'pending');
}
