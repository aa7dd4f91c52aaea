import * as z from '#shared/validation/zod.ts';
import { type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { Ulid } from '../tickets/model.ts';
import type { Clock } from '../time/clock.ts';
import type { MailStore, SuspendedMail } from './ports.ts';

/** `{}` opens a new ticket; `{"ticketId": …}` adds the mail to that ticket of the desk. */
export const ReleaseSuspendedMailBody = z.strictObject({ ticketId: z.optional(Ulid) });
export const RejectSuspendedMailBody = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(500)),
});

/** Seeing and rejecting suspended mail needs the mail items alone; releasing it is intake (suspended-release.ts). */
export interface SuspendedMailDeps {
  mailStore: MailStore;
  clock: Clock;
}

export const assertLead = (principal: Principal, what: string) => {
  if (!SUPERVISOR_ROLES.has(principal.role))
    throw DomainError.forbidden(`Only a lead, manager or ops can ${what} suspended mail.`);
};

/** The desk's suspended mail `id`, or not-found (also for an id that cannot be one). */
export async function findSuspended(
  mailStore: MailStore,
  principal: Principal,
  id: string,
): Promise<SuspendedMail> {
  const mail = /^[0-9a-z-]{1,64}$/i.test(id) ? await mailStore.getSuspended(principal.desk, id) : undefined;
  if (!mail) throw DomainError.notFound(`Suspended mail ${id}`);
  return mail;
}

/**
 * Staff's side of suspended mail (mail whose sender SES's checks did not prove). Leads and above
 * see it, release it (suspended-release.ts) — to a named ticket of their desk or to a new ticket, with the mail's original
 * received time — or reject it with a reason. Released mail is marked as unverified on the ticket
 * and its Message-ID is never remembered for threading.
 */
export function suspendedMailService(deps: SuspendedMailDeps) {
  const find = (principal: Principal, id: string) => findSuspended(deps.mailStore, principal, id);

  return {
    async list(principal: Principal): Promise<SuspendedMail[]> {
      assertLead(principal, 'see');
      return deps.mailStore.listSuspended(principal.desk, 200);
    },

    async get(principal: Principal, id: string): Promise<SuspendedMail> {
      assertLead(principal, 'see');
      return find(principal, id);
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
