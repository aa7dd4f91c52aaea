import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { KpiRecorder } from '../kpis/recorder.ts';
import { type OutboundMail, outboundForAgentReply } from '../notices/outbound.ts';
import { logger } from '../observability/logger.ts';
import { emitMetric } from '../observability/metrics.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { redactPublicReply } from '../privacy/redaction.ts';
import { newId } from '../runtime/ids.ts';
import type { Clock } from '../time/clock.ts';
import type { TicketSlaState } from '../workflow/model.ts';
import { executionNameFor } from '../workflow/model.ts';
import { slaStateOf } from '../workflow/policy-planner.ts';
import type { WorkflowSignals } from '../workflow/signals.ts';
import { quietChange, signalChange } from '../workflow/wake-policy.ts';
import { assertCanSeeTicket, canSeeInternalNotes } from './access.ts';
import type { TicketActivity } from './activity.ts';
import { isAnswered } from './authority.ts';
import type { BanCheck } from './bans.ts';
import {
  type AddMessageBody,
  addMessage,
  type CreateTicketBody,
  type DeskDefaults,
  openTicket,
  type UpdateTicketBody,
  updateTicket,
} from './commands.ts';
import {
  type CustomerMessageView,
  type CustomerTicketView,
  customerMessageView,
  customerTicketView,
  ticketFor,
} from './customer-view.ts';
import type { Message, MessageAttachment, MessageEmail, Priority, Status, Ticket } from './model.ts';
import { type StoredTicket, type TicketReader, type TicketStore, VersionConflict } from './ports.ts';
import type { StaffDirectory } from './staff-directory.ts';

/** A customer's email as the ticket service takes it (parsed, routed and trimmed by shared/mail/). */
export interface EmailTicketInput {
  desk: string;
  requester: { email: string; name?: string | undefined };
  subject: string;
  body: string;
  /** Queue tag from the address it was sent to, e.g. `queue-billing`. */
  tags: string[];
  attachments: MessageAttachment[];
  email: MessageEmail;
  /**
   * When the mail arrived, for mail released from the suspended list: the ticket is opened at that
   * instant (SLA clocks start when the customer wrote), a reply no earlier than the ticket's last change.
   */
  receivedAt?: string;
}

/** The system principal that opens tickets from email on a requester's behalf. */
const mailPrincipal = (desk: string): Principal => ({
  id: 'mail',
  role: 'app',
  desk,
  email: undefined,
  name: undefined,
  plan: undefined,
  tier: undefined,
});

export interface TicketServiceDeps {
  store: TicketStore;
  clock: Clock;
  deskDefaults(desk: string): DeskDefaults;
  /** Starts and wakes the SLA workflow. Failures are logged, never surfaced: the reconciler retries. */
  signals: WorkflowSignals;
  /** The desk's ban list; a banned requester's intake is refused (and counted) on every path. */
  bans: BanCheck;
  /** Who may be an assignee: the desk's staff, with the address notices to them go to. */
  staff: StaffDirectory;
  /** The ticket's share of the KPI roll-ups, written by the change's own commit (no wake needed for it). */
  kpis: KpiRecorder;
  /**
   * The notices a new ticket owes at once, queued claimed for the workflow's first step so it sends
   * them without a write of its own (shared/workflow/first-notices.ts). Without it, that step queues them.
   */
  firstNotices?: ((ticket: Ticket, activity: TicketActivity[]) => OutboundMail[]) | undefined;
}

export interface Idempotency {
  key: string;
  requestHash: string;
}

export interface TicketWithMessages extends Ticket {
  messages: Message[];
  /** The SLA actions the workflow applied and its next checkpoint; staff only. */
  sla?: TicketSlaState;
  /** Mail about the ticket (replies, notices) and whether it went out; staff only. */
  mail?: Array<
    Pick<OutboundMail, 'id' | 'kind' | 'audience' | 'status' | 'queuedAt'> & Partial<OutboundMail>
  >;
}

/** Retries of a read-modify-write that lost a race with another writer before giving up. */
const MAX_COMMIT_ATTEMPTS = 5;

/**
 * The ticket use cases. Writes follow one rule so a crash never leaves a visible half: message
 * items first (invisible until referenced), then one conditional write of the ticket item that
 * commits the change and its activity together.
 */
/**
 * Reading tickets: one with its messages, its SLA, a page of the desk's. The store's reads alone, so
 * the reading routes bundle none of the write paths (nor the workflow, KPI or mail code they run).
 */
export function ticketReads(deps: { store: TicketReader; clock: Clock }) {
  const { store } = deps;
  return {
    async getTicket(
      principal: Principal,
      id: string,
    ): Promise<TicketWithMessages | (CustomerTicketView & { messages: CustomerMessageView[] })> {
      const found = await store.getTicketWithMessages(principal.desk, id);
      const ticket = assertCanSeeTicket(principal, found?.stored.ticket, id);
      const internalAllowed = canSeeInternalNotes(principal);
      const messages = (found?.messages ?? [])
        .filter((m) => internalAllowed || m.visibility === 'public')
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      if (principal.role === 'customer') {
        const agent = ticket.assigneeContact?.displayName;
        return {
          ...customerTicketView(ticket),
          messages: messages.map((m) => customerMessageView(m, agent)),
        };
      }
      const sla = internalAllowed ? found?.stored.sla : undefined;
      const mail = internalAllowed
        ? (found?.stored.outbox ?? []).map(
            ({ claimedUntil: _lease, claimedFor: _holder, providerMessageId: _provider, ...m }) => m,
          )
        : [];
      return { ...ticket, messages, ...(sla ? { sla } : {}), ...(mail.length ? { mail } : {}) };
    },

    /**
     * The ticket's SLA as of now: the engine's clocks, deadlines and metric event log under the
     * desk's pack, beside the actions the workflow has applied (the two tell the same story).
     */
    async getTicketSla(principal: Principal, id: string) {
      const stored = await store.getTicket(principal.desk, id);
      const ticket = assertCanSeeTicket(principal, stored?.ticket, id);
      if (!canSeeInternalNotes(principal)) throw DomainError.forbidden('SLA details are for support staff.');
      const now = deps.clock.now();
      const state = slaStateOf(ticket, stored!.activity, now);
      return {
        ticketId: ticket.id,
        now: now.toISOString(),
        /** The desk's zone (its policy pack), for showing the instants as the desk reads its clocks. */
        timeZone: findPolicyPack(ticket.desk)?.timeZone ?? 'UTC',
        pack: state ? `${state.packId}@${state.packVersion}` : null,
        metrics: state?.metrics ?? [],
        log: state?.log ?? [],
        nextCheckpoint: state?.nextCheckpoint ?? null,
        applied: stored!.sla?.actions ?? [],
        timedBy: stored!.sla?.packVersion || null,
        workflow: stored!.workflow?.executionName ?? null,
      };
    },

    async listTickets(
      principal: Principal,
      filters: {
        status?: Status | undefined;
        priority?: Priority | undefined;
        requester?: string | undefined;
        limit: number;
        cursor?: string | undefined;
      },
    ): Promise<{ tickets: Array<Ticket | CustomerTicketView>; nextCursor?: string | undefined }> {
      if (principal.role === 'customer') {
        if (filters.requester && filters.requester !== principal.email) {
          throw DomainError.forbidden('Customers can list only their own tickets.');
        }
        if (!principal.email) throw DomainError.forbidden('Your token carries no email address.');
      }
      const requesterEmail = principal.role === 'customer' ? principal.email : filters.requester;
      const page = await store.listTickets({
        desk: principal.desk,
        status: filters.status,
        priority: filters.priority,
        requesterEmail,
        limit: filters.limit,
        cursor: filters.cursor,
      });
      return { ...page, tickets: page.tickets.map((t) => ticketFor(principal, t)) };
    },
  };
}

export function ticketService(deps: TicketServiceDeps) {
  const { store, signals } = deps;

  // The change is durable before these run; if they fail, the ticket keeps its workflow-due
  // marker and the reconciler starts or wakes the workflow within a minute.
  async function startWorkflow(ticket: Ticket) {
    try {
      await signals.start({
        ticketId: ticket.id,
        desk: ticket.desk,
        executionName: executionNameFor(ticket.id),
      });
    } catch (error) {
      logDeferred('start', ticket.id, error);
    }
  }
  async function wakeWorkflow(ticket: Ticket, taskToken: string | undefined, wokenBy: string) {
    if (!taskToken) return;
    try {
      await signalChange(signals, ticket, taskToken, wokenBy);
    } catch (error) {
      logDeferred('wake', ticket.id, error);
    }
  }

  /**
   * Commits a change with the ticket's new KPI share in the same conditional write, then adds the
   * share's change to its days (once each; a crash in between is finished by the ticket's next writer).
   * The workflow is woken only when the wake policy says so; a KPI move alone is no reason.
   */
  async function commitWithShare(
    stored: StoredTicket,
    after: StoredTicket,
    expectedVersion: number,
    mail: OutboundMail[],
    now: Date,
  ) {
    const kpi = await deps.kpis.planCommit(stored, after.ticket, after.activity, now);
    // Notices the change may leave to the outbound sweep ride on its quiet commit (wake-policy.ts).
    const quiet = quietChange(stored, after, now, mail.length > 0);
    const committed = await store.commitChange(after, expectedVersion, mail, { ...quiet, kpi });
    // What the Apply step's log would have said for them: the sweep's log then says what it sent.
    if (quiet.noticesForSweep && !committed.workflowMustSee)
      for (const a of quiet.noticesForSweep.actions)
        logger.info('sla action applied', {
          ticketId: after.ticket.id,
          desk: after.ticket.desk,
          actionId: a.id,
          kind: a.kind,
          at: a.at,
          rule: a.rule,
          queuedFor: 'outbound-sweep',
        });
    if (kpi && 'change' in kpi) await deps.kpis.addChange(after.ticket.desk, kpi.change);
    return committed;
  }

  async function claim(
    principal: Principal,
    scope: string,
    idem: Idempotency | undefined,
    resourceId: string,
  ) {
    return (await claimFresh(principal, scope, idem, resourceId)).id;
  }

  /** The id to use, and whether it is fresh (generated or just claimed: nothing can exist under it yet). */
  async function claimFresh(
    principal: Principal,
    scope: string,
    idem: Idempotency | undefined,
    resourceId: string,
  ): Promise<{ id: string; fresh: boolean }> {
    if (!idem) return { id: resourceId, fresh: true };
    const outcome = await store.claimIdempotencyKey({
      desk: principal.desk,
      principalId: principal.id,
      scope,
      key: idem.key,
      requestHash: idem.requestHash,
      resourceId,
      at: deps.clock.now().toISOString(),
    });
    if (outcome.kind === 'mismatch') throw DomainError.idempotencyKeyReused();
    return outcome.kind === 'replay'
      ? { id: outcome.resourceId, fresh: false }
      : { id: resourceId, fresh: true };
  }

  /** The assignee must be a staff member of the desk; notices to them go to the directory's address only. */
  async function withAssigneeContact(
    ticket: Ticket,
    assignee: string | null,
  ): Promise<{ ticket: Ticket; onCall: boolean }> {
    const { assigneeContact: _previous, ...rest } = ticket;
    if (assignee === null) return { ticket: rest, onCall: false };
    const member = await deps.staff.lookup(ticket.desk, assignee);
    if (!member) {
      throw DomainError.unprocessable([{ pointer: '/assignee', detail: 'not a staff member of this desk' }]);
    }
    return {
      ticket: { ...rest, assigneeContact: { email: member.email, displayName: member.displayName } },
      onCall: member.onCall === true,
    };
  }

  return {
    ...ticketReads(deps),

    async createTicket(principal: Principal, body: CreateTicketBody, idem?: Idempotency) {
      const requesterEmail = principal.role === 'customer' ? principal.email : body.requester?.email;
      // The requester's mail suppression rides on the ban check's read (the acknowledgement needs it).
      const requesterMailCheck = await deps.bans.checkRequester(principal.desk, requesterEmail);
      const now = deps.clock.now();
      const { id, fresh } = await claimFresh(principal, 'create-ticket', idem, newId(now));
      // No read after a fresh claim: only a replayed key can find its ticket already there.
      const existing = fresh ? undefined : await store.getTicket(principal.desk, id);
      if (existing) return { ticket: ticketFor(principal, existing.ticket), replayed: true };
      const change = openTicket({ principal, body, id, now, defaults: deps.deskDefaults(principal.desk) });
      const outbox = deps.firstNotices?.(change.ticket, change.activity) ?? [];
      const created = await store.putNewTicket(
        { ticket: change.ticket, activity: change.activity, requesterMailCheck, outbox },
        { firstMessage: change.message, idIsFresh: fresh },
      );
      if (!created) {
        const raced = await store.getTicket(principal.desk, id);
        if (!raced) throw new Error(`Ticket ${id} reported as existing but not found`);
        return { ticket: ticketFor(principal, raced.ticket), replayed: true };
      }
      await startWorkflow(change.ticket);
      emitMetric('TicketsAccepted', 1, change.ticket.desk);
      return { ticket: ticketFor(principal, change.ticket), replayed: false };
    },

    async addMessage(principal: Principal, ticketId: string, body: AddMessageBody, idem?: Idempotency) {
      const messageId = await claim(principal, `message:${ticketId}`, idem, newId(deps.clock.now()));
      for (let attempt = 1; ; attempt++) {
        const stored = await store.getTicket(principal.desk, ticketId);
        const ticket = assertCanSeeTicket(principal, stored?.ticket, ticketId);
        const existing = stored!.activity.find((a) => 'messageId' in a && a.messageId === messageId);
        if (existing) {
          await deps.kpis.finishLeftover(stored!);
          return { ticket: ticketFor(principal, ticket), messageId, replayed: true };
        }
        if (!isStaff(principal))
          await deps.bans.assertNotBanned(ticket.desk, ticket.requester.email, principal.email);
        const now = deps.clock.now();
        const change = addMessage({
          principal,
          ticket,
          body: redactPublicReply(principal, ticket, body),
          messageId,
          now,
        });
        await store.putMessage(change.message);
        // An email ticket's requester gets the public reply by mail: queued in the same write.
        const mail = isStaff(principal)
          ? outboundForAgentReply(ticket, { messageId, visibility: body.visibility, at: now.toISOString() })
          : [];
        const after = appendActivity(stored!, change);
        try {
          const { taskToken, workflowMustSee } = await commitWithShare(
            stored!,
            after,
            ticket.version,
            mail,
            now,
          );
          if (workflowMustSee) await wakeWorkflow(change.ticket, taskToken, describe(change.activity));
          const message =
            principal.role === 'customer'
              ? customerMessageView(change.message, ticket.assigneeContact?.displayName)
              : change.message;
          return { ticket: ticketFor(principal, change.ticket), message, messageId, replayed: false };
        } catch (error) {
          if (!(error instanceof VersionConflict)) throw error;
          // Others kept changing the ticket through every attempt: the caller may simply send it again.
          if (attempt >= MAX_COMMIT_ATTEMPTS)
            throw DomainError.conflict(
              'ticket-busy',
              'The ticket kept changing while your message was being added; nothing was added, send it again.',
            );
        }
      }
    },

    /**
     * Opens a ticket from a customer's email (channel `email`, requester from From/Reply-To). `id` is
     * the id the inbound record claimed, so a redelivered or retried mail finds its ticket and
     * creates nothing new.
     */
    async openTicketFromEmail(input: EmailTicketInput & { id: string }) {
      const existing = await store.getTicket(input.desk, input.id);
      if (existing) return { ticket: existing.ticket, replayed: true };
      // Mail intake refuses banned senders before it gets here; this keeps the service safe on its own.
      await deps.bans.assertNotBanned(input.desk, input.requester.email);
      const change = openTicket({
        principal: mailPrincipal(input.desk),
        body: {
          subject: input.subject,
          description: input.body,
          channel: 'email',
          requester: {
            email: input.requester.email,
            ...(input.requester.name ? { name: input.requester.name } : {}),
          },
          tags: input.tags,
        },
        id: input.id,
        now: input.receivedAt ? new Date(input.receivedAt) : deps.clock.now(),
        defaults: deps.deskDefaults(input.desk),
      });
      const message: Message = {
        ...change.message,
        ...(input.attachments.length ? { attachments: input.attachments } : {}),
        email: input.email,
      };
      await store.putMessage(message);
      const outbox = deps.firstNotices?.(change.ticket, change.activity) ?? [];
      if (!(await store.putNewTicket({ ticket: change.ticket, activity: change.activity, outbox }))) {
        const raced = await store.getTicket(input.desk, input.id);
        if (!raced) throw new Error(`Ticket ${input.id} reported as existing but not found`);
        return { ticket: raced.ticket, replayed: true };
      }
      await startWorkflow(change.ticket);
      emitMetric('TicketsAccepted', 1, change.ticket.desk);
      return { ticket: change.ticket, replayed: false };
    },

    /**
     * Adds a customer's emailed reply to a ticket as a customer message (which reopens a pending,
     * on-hold or solved ticket, as any customer message does). `messageId` is the claimed id, so a
     * retry is a no-op. Throws the ticket-closed conflict for a closed ticket.
     */
    async addEmailReply(input: EmailTicketInput & { ticketId: string; messageId: string }) {
      for (let attempt = 1; ; attempt++) {
        const stored = await store.getTicket(input.desk, input.ticketId);
        if (!stored) throw DomainError.notFound(`Ticket ${input.ticketId}`);
        const ticket = stored.ticket;
        if (stored.activity.some((a) => 'messageId' in a && a.messageId === input.messageId)) {
          await deps.kpis.finishLeftover(stored);
          return { ticket, messageId: input.messageId, replayed: true };
        }
        await deps.bans.assertNotBanned(input.desk, ticket.requester.email, input.requester.email);
        const requester: Principal = {
          ...mailPrincipal(input.desk),
          id: ticket.requester.id,
          role: 'customer',
          email: ticket.requester.email,
        };
        const change = addMessage({
          principal: requester,
          ticket,
          body: { body: input.body, visibility: 'public' },
          messageId: input.messageId,
          now: replyInstant(input.receivedAt, stored, deps.clock.now()),
        });
        const message: Message = {
          ...change.message,
          channel: 'email',
          ...(input.attachments.length ? { attachments: input.attachments } : {}),
          email: input.email,
        };
        await store.putMessage(message);
        const after = appendActivity(stored, change);
        try {
          const { taskToken, workflowMustSee } = await commitWithShare(
            stored,
            after,
            ticket.version,
            [],
            deps.clock.now(),
          );
          if (workflowMustSee) await wakeWorkflow(change.ticket, taskToken, describe(change.activity));
          return { ticket: change.ticket, messageId: input.messageId, replayed: false };
        } catch (error) {
          if (!(error instanceof VersionConflict) || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
        }
      }
    },

    async updateTicket(
      principal: Principal,
      ticketId: string,
      patch: UpdateTicketBody,
      expectedVersion: number,
    ) {
      for (let attempt = 1; ; attempt++) {
        const stored = await store.getTicket(principal.desk, ticketId);
        const ticket = assertCanSeeTicket(principal, stored?.ticket, ticketId);
        if (ticket.version !== expectedVersion) {
          throw DomainError.preconditionFailed(
            attempt === 1
              ? `The ticket is at version ${ticket.version}; re-read it and retry.`
              : 'The ticket changed while you were updating it; re-read it and retry.',
          );
        }
        const now = deps.clock.now();
        const change = updateTicket({
          principal,
          ticket,
          patch,
          now,
          defaults: deps.deskDefaults(ticket.desk),
          answered: isAnswered(stored!.activity),
        });
        if (change.activity.length === 0) return change.ticket;
        if (patch.assignee !== undefined && patch.assignee !== ticket.assignee) {
          const assigned = await withAssigneeContact(change.ticket, patch.assignee);
          change.ticket = assigned.ticket;
          // Recorded with the assignment: whether it meets an on-call assignment target.
          if (assigned.onCall) {
            change.activity = change.activity.map((a) =>
              a.type === 'assignee-changed' ? { ...a, onCall: true } : a,
            );
          }
        }
        const after = appendActivity(stored!, change);
        try {
          const { taskToken, workflowMustSee } = await commitWithShare(
            stored!,
            after,
            expectedVersion,
            [],
            now,
          );
          if (workflowMustSee) await wakeWorkflow(change.ticket, taskToken, describe(change.activity));
          return change.ticket;
        } catch (error) {
          if (!(error instanceof VersionConflict)) throw error;
          // Refused at the same version: the workflow wrote the ticket's KPI share meanwhile. The next
          // read tells (a moved version is the caller's conflict).
          if (attempt >= MAX_COMMIT_ATTEMPTS)
            throw DomainError.preconditionFailed(
              'The ticket changed while you were updating it; re-read it and retry.',
            );
        }
      }
    },
  };
}

/** A released reply keeps its received time, but the activity log stays in time order. */
function replyInstant(receivedAt: string | undefined, stored: StoredTicket, now: Date): Date {
  if (!receivedAt) return now;
  const last = stored.activity.at(-1)?.at ?? stored.ticket.updatedAt;
  return new Date(Math.max(Date.parse(receivedAt), Date.parse(last)));
}

function describe(activity: StoredTicket['activity']): string {
  return activity.map((a) => ('to' in a ? `${a.type} to ${a.to}` : a.type)).join(', ');
}

function logDeferred(what: string, ticketId: string, error: unknown) {
  logger.warn(`workflow ${what} deferred to the reconciler`, { ticketId, error });
}

function appendActivity(
  stored: StoredTicket,
  change: { ticket: Ticket; activity: StoredTicket['activity'] },
): StoredTicket {
  return {
    ticket: change.ticket,
    activity: [...stored.activity, ...change.activity],
    activityStored: stored.activityStored,
  };
}

export type TicketService = ReturnType<typeof ticketService>;
export type TicketReads = ReturnType<typeof ticketReads>;
