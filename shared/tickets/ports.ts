import type { IdempotencyStore } from '../idempotency/ports.ts';
import type { KpiChange, TicketKpiShare } from '../kpis/ports.ts';
import type { TicketShareCommit } from '../kpis/recorder.ts';
import type { OutboundMail } from '../notices/outbound.ts';
import type { SlaActionRecord, TicketSlaState, WorkflowState } from '../workflow/model.ts';
import type { WorkflowTicketStore } from '../workflow/ports.ts';
import type { TicketActivity, TicketItemNote } from './activity.ts';
import type { Message, Priority, Status, Ticket } from './model.ts';

/**
 * What the ticket module needs from storage, as ports in its own terms; shared/store implements them.
 */

/** SLA notices a change queues itself for the outbound sweep (shared/workflow/wake-policy.ts). */
export interface NoticesForSweep {
  actions: SlaActionRecord[];
  outbound: OutboundMail[];
  listedSince: string;
}

/** A ticket as stored: the public ticket plus its activity log (the SLA engine's input). */
export interface StoredTicket {
  ticket: Ticket;
  activity: TicketActivity[];
  /** Written by the SLA workflow only; absent until its first run. */
  sla?: TicketSlaState | undefined;
  workflow?: WorkflowState | undefined;
  /** Set with every change and cleared by the workflow once it has seen it (the outbox marker). */
  workflowDueSince?: string | undefined;
  /** Set while outbound mail is pending and no workflow run is due (the mail sweep lists the ticket). */
  mailPendingSince?: string | undefined;
  /** The requester's mail suppression as intake read it (with the ban check), for the first mails. */
  requesterMailCheck?: RequesterMailCheck | undefined;
  /** The ticket's share of the KPI roll-ups, and a change of it not yet known to be in the days. */
  kpi?: TicketKpiShare | undefined;
  kpiChange?: KpiChange | undefined;
  /** Outbound mail of the ticket, appended only (entries change status in place; see shared/notices/outbound.ts). */
  outbox?: OutboundMail[] | undefined;
  /**
   * The store's own note of the ticket item as read (where the activity it read lives, what a copy-out
   * may move off the item); handed back with the change so the commit can keep the item compact.
   */
  activityStored?: TicketItemNote | undefined;
}

/**
 * Whether the requester's address was suppressed (a bounce or complaint), read at intake in the same
 * batch as the ban check: mail sent soon after (the acknowledgement) needs no read of its own. It names
 * no address (it is about the ticket's requester), so erasing the requester leaves nothing here.
 */
export interface RequesterMailCheck {
  checkedAt: string;
  suppressed?: { reason: string; at: string } | undefined;
}

export interface ListTicketsQuery {
  desk: string;
  status?: Status | undefined;
  priority?: Priority | undefined;
  requesterEmail?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface TicketPage {
  tickets: Ticket[];
  nextCursor: string | undefined;
}

export class VersionConflict extends Error {
  constructor(readonly ticketId: string) {
    super(`Ticket ${ticketId} changed concurrently`);
    this.name = 'VersionConflict';
  }
}

/** A ticket and its messages, read one at a time or listed. */
export interface TicketReader {
  getTicket(desk: string, ticketId: string): Promise<StoredTicket | undefined>;
  getTicketWithMessages(
    desk: string,
    ticketId: string,
  ): Promise<{ stored: StoredTicket; messages: Message[] } | undefined>;
  listTickets(query: ListTicketsQuery): Promise<TicketPage>;
}

/** Creating tickets and committing changes (optimistic concurrency on the version). */
export interface TicketWriter {
  /**
   * Writes a new ticket; `false` when it already exists (a retried create). With `firstMessage` the
   * message is written too: in one batch with the ticket when `idIsFresh` (the id was generated or
   * claimed by this request, so nothing can exist under it), else before the conditional ticket write.
   */
  putNewTicket(
    stored: StoredTicket,
    options?: { firstMessage?: Message; idIsFresh?: boolean },
  ): Promise<boolean>;
  /** Writes a message item. Invisible until a committed ticket change references it. */
  putMessage(message: Message): Promise<void>;
  /**
   * Commits a change if the stored version is still `expectedVersion` (else VersionConflict), marks
   * the ticket as due for its workflow, and returns the sleeping workflow's task token, if any.
   * `newOutbound` is appended to the ticket's outbound mail in the same write. With
   * `quietWhileParkedOn` (a change the sleeping workflow need not see before its planned checkpoint,
   * shared/workflow/wake-policy.ts) the ticket is not marked, provided the workflow still sleeps on
   * that task token; otherwise the change is committed marked. `workflowMustSee`: it was marked.
   * `kpi`: the ticket's new KPI share and its change (or the drop of a finished one) in the same write,
   * on condition the share is as read (else VersionConflict: re-read and retry).
   * `noticesForSweep` rides on the quiet commit only: its action records appended to `sla.actions`, its
   * entries to the outbox, the ticket listed for the outbound sweep (a marked commit leaves them out).
   */
  commitChange(
    stored: StoredTicket,
    expectedVersion: number,
    newOutbound?: OutboundMail[],
    options?: {
      quietWhileParkedOn?: string | undefined;
      kpi?: TicketShareCommit | undefined;
      noticesForSweep?: NoticesForSweep | undefined;
    },
  ): Promise<{ taskToken: string | undefined; workflowMustSee: boolean }>;
}

/** The whole ticket store, as dynamoTicketStore implements it; consumers take the narrow ports they use. */
export interface TicketStore extends TicketReader, TicketWriter, IdempotencyStore, WorkflowTicketStore {}

/**
 * The ticket fields the ops queue and the KPIs read (projected: messages and the rest stay behind). The
 * requester's address and name travel for the queue's requester column (staff see them on the ticket).
 */
export type TicketSummary = { requester?: Ticket['requester'] } & Pick<
  Ticket,
  | 'id'
  | 'desk'
  | 'subject'
  | 'status'
  | 'priority'
  | 'plan'
  | 'channel'
  | 'tier'
  | 'assignee'
  | 'createdAt'
  | 'updatedAt'
>;

export interface TicketRecord {
  ticket: TicketSummary;
  activity: TicketActivity[];
  /** The SLA workflow's next look at the ticket (null: nothing more is due, or not planned yet). */
  nextCheckpoint: string | null;
}

export interface BoundedRead {
  records: TicketRecord[];
  /** True when the cap stopped the read before the index ran out. */
  truncated: boolean;
}

/** Desk-wide reads for ops views: many tickets at once, bounded, through the indexes built for them. */
export interface TicketReads {
  /** Unresolved tickets (new, open, pending, on-hold), each status soonest checkpoint first, at most `cap`. */
  listUnresolved(desk: string, cap: number): Promise<BoundedRead>;
  /** Tickets created in [from, to), newest first, at most `cap`. */
  listCreatedBetween(desk: string, from: string, to: string, cap: number): Promise<BoundedRead>;
}

/** A requester banned from a desk's support (RareLogic: "abusive or fraudulent" requesters). */
export interface Ban {
  desk: string;
  /** What is banned, normalised (shared/tickets/ban-address.ts): `troll@example.com`, or `@example.com` for a domain. */
  email: string;
  reason: string;
  bannedBy: string;
  bannedAt: string;
  /** Intake attempts refused since the ban (count and last time; never their content). */
  blockedAttempts: number;
  lastBlockedAt: string | null;
}

export interface BanStore {
  /** The first of `keys` (most specific first) that is banned at the desk, in one batch read. */
  find(desk: string, keys: readonly string[]): Promise<Ban | undefined>;
  /** `find`, and in the same batch read the suppression of `mailbox` (a normalised address). */
  findWithSuppression(
    desk: string,
    keys: readonly string[],
    mailbox: string,
  ): Promise<{ ban: Ban | undefined; suppressed: { reason: string; at: string } | undefined }>;
  /** `false` if the address is already banned. */
  add(ban: Ban): Promise<boolean>;
  /** `false` if there was no ban. */
  remove(desk: string, email: string): Promise<boolean>;
  list(desk: string): Promise<Ban[]>;
  recordBlocked(desk: string, email: string, at: string): Promise<void>;
}
