import type * as z from '#shared/validation/zod.ts';
import type { Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { routeRecipient } from './addresses.ts';
import { type Decision, type MailIntakeDeps, writeMailToTicket } from './intake.ts';
import { DEFAULT_MAIL_LIMITS, parseInboundMail } from './parse.ts';
import type { SuspendedMail } from './ports.ts';
import { assertLead, findSuspended, type ReleaseSuspendedMailBody } from './suspended.ts';

/**
 * Releasing suspended mail is intake like any other: the raw mail is parsed again and written onto a
 * ticket. Kept apart from suspended.ts so only the release route carries the MIME parser.
 */
export type SuspendedMailReleaseDeps = Pick<
  MailIntakeDeps,
  'mailStore' | 'ticketStore' | 'tickets' | 'objects' | 'clock' | 'newId' | 'bodyBucket' | 'limits'
>;

export function suspendedMailRelease(deps: SuspendedMailReleaseDeps) {
  const find = (principal: Principal, id: string) => findSuspended(deps.mailStore, principal, id);
  return {
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
  };
}

export type SuspendedMailReleaseService = ReturnType<typeof suspendedMailRelease>;
