import * as z from 'zod';
import { type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { Ulid } from '../tickets/model.ts';
import { routeRecipient } from './addresses.ts';
import { type Decision, type MailIntakeDeps, writeMailToTicket } from './intake.ts';
import { DEFAULT_MAIL_LIMITS, parseInboundMail } from './parse.ts';
import type { SuspendedMail } from './ports.ts';

/** `{}` opens a new ticket; `{"ticketId": …}` adds the mail to that ticket of the desk. */
export const ReleaseSuspendedMailBody = z.strictObject({ ticketId: Ulid.optional() });
export const RejectSuspendedMailBody = z.strictObject({ reason: z.string().trim().min(3).max(500) });

export type SuspendedMailDeps = Pick<
  MailIntakeDeps,
  'mailStore' | 'ticketStore' | 'tickets' | 'objects' | 'clock' | 'newId' | 'bodyBucket' | 'limits'
>;

const assertLead = (principal: Principal, what: string) => {
  if (!SUPERVISOR_ROLES.has(principal.role))
    throw DomainError.forbidden(`Only a lead, manager or ops can ${what} suspended mail.`);
};

/**
 * Staff's side of suspended mail (mail whose sender SES's checks did not prove). Leads and above
 * see it, release it — to a named ticket of their desk or to a new ticket, with the mail's original
 * received time — or reject it with a reason. Released mail is marked as unverified on the ticket
 * and its Message-ID is never remembered for threading.
 */
export function suspendedMailService(deps: SuspendedMailDeps) {
  async function find(principal: Principal, id: string): Promise<SuspendedMail> {
    const mail = /^[0-9a-z-]{1,64}$/i.test(id)
      ? await deps.mailStore.getSuspended(principal.desk, id)
      : undefined;
    if (!mail) throw DomainError.notFound(`Suspended mail ${id}`);
    return mail;
  }

  return {
    async list(principal: Principal): Promise<SuspendedMail[]> {
      assertLead(principal, 'see');
      return deps.mailStore.listSuspended(principal.desk, 200);
    },

    async get(principal: Principal, id: string): Promise<SuspendedMail> {
      assertLead(principal, 'see');
      return find(principal, id);
    },

    async release(
      principal: Principal,
      id: string,
      body: z.infer<typeof ReleaseSuspendedMailBody>,
    ): Promise<SuspendedMail> {
      assertLead(principal, 'release');
      const desk = principal.desk;
      let mail = await find(principal, id);
      if (mail.status === 'released' || mail.status === 'rejected')
        throw DomainError.conflict('already-decided', `This mail was already ${mail.status}.`);
      const target = body.ticketId;
      // A release that died half-way is finished with the ids it claimed, if asked for the same target.
      const claimedTarget = mail.decision === 'existing-ticket' ? mail.ticketId : undefined;
      if (mail.status === 'releasing' && target !== claimedTarget)
        throw DomainError.conflict('release-in-progress', 'This mail is being released to another target.');
      if (mail.status === 'suspended') {
        if (target) {
          const stored = await deps.ticketStore.getTicket(desk, target);
          if (!stored)
            throw DomainError.validation([{ pointer: '/ticketId', detail: 'not a ticket of your desk' }]);
          if (stored.ticket.status === 'closed')
            throw DomainError.conflict(
              'ticket-closed',
              `Ticket ${target} is closed; release to a new ticket.`,
            );
        }
        const now = deps.clock.now();
        // A new ticket's id is stamped with the received time, so it sorts where the customer wrote it.
        const newId = deps.newId(target ? now : new Date(mail.receivedAt));
        const claim = {
          status: 'releasing' as const,
          decidedBy: principal.id,
          decidedAt: now.toISOString(),
          decision: target ? 'existing-ticket' : 'new-ticket',
          ticketId: target ?? newId,
          messageId: newId,
        };
        if (!(await deps.mailStore.decideSuspended(desk, id, 'suspended', claim)))
          throw DomainError.conflict('already-decided', 'This mail was decided by someone else meanwhile.');
        mail = { ...mail, ...claim };
      }
      const raw = await deps.objects.get(mail.rawObject.bucket, mail.rawObject.key);
      const parsed = await parseInboundMail(raw, deps.limits ?? DEFAULT_MAIL_LIMITS);
      if (!parsed.ok) throw new Error(`suspended mail ${id} no longer parses: ${parsed.reason}`);
      const reply = mail.decision === 'existing-ticket';
      const decision: Decision = {
        ticketId: mail.ticketId!,
        messageId: mail.messageId!,
        reply,
        threading: `released by ${principal.id} from suspended mail to ${reply ? 'ticket' : 'a new ticket'}`,
      };
      const queue = routeRecipient(mail.queueAddress)?.queue.queue ?? 'general';
      let written: Awaited<ReturnType<typeof writeMailToTicket>>;
      try {
        written = await writeMailToTicket(deps, parsed.mail, desk, mail.queueAddress, queue, decision, {
          senderVerified: false,
          senderCheck: mail.reason,
          releasedBy: principal.id,
          receivedAt: mail.receivedAt,
        });
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'conflict') {
          // The ticket closed between the check and the write: release to a new ticket instead.
          throw DomainError.conflict(
            'ticket-closed',
            'The ticket was closed meanwhile; release to a new ticket.',
          );
        }
        throw error;
      }
      const done = {
        status: 'released' as const,
        ticketId: written.ticketId,
        messageId: written.messageId,
      };
      await deps.mailStore.completeInbound(desk, id, {
        status: written.status,
        ticketId: written.ticketId,
        messageId: written.messageId,
        threading: written.threading,
        updatedAt: deps.clock.now().toISOString(),
      });
      await deps.mailStore.decideSuspended(desk, id, 'releasing', done);
      return { ...mail, ...done };
    },

    async reject(
      principal: Principal,
      id: string,
      body: z.infer<typeof RejectSuspendedMailBody>,
    ): Promise<SuspendedMail> {
      assertLead(principal, 'reject');
      const mail = await find(principal, id);
      const decided = {
        status: 'rejected' as const,
        decidedBy: principal.id,
        decidedAt: deps.clock.now().toISOString(),
        decision: body.reason,
      };
      if (
        mail.status !== 'suspended' ||
        !(await deps.mailStore.decideSuspended(principal.desk, id, 'suspended', decided))
      )
        throw DomainError.conflict('already-decided', `This mail was already ${mail.status}.`);
      await deps.mailStore.completeInbound(principal.desk, id, {
        status: 'rejected',
        reason: `suspended mail rejected by ${principal.id}: ${body.reason}`,
        updatedAt: decided.decidedAt,
      });
      return { ...mail, ...decided };
    },
  };
}

export type SuspendedMailService = ReturnType<typeof suspendedMailService>;
