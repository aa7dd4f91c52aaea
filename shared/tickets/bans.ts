import { z } from 'zod';
import { isStaff, type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { Problem, problems } from '../http/problem.ts';
import type { Ban, BanStore } from '../store/ban-store.ts';
import type { Clock } from '../time/clock.ts';
import { Email } from './model.ts';

export const AddBanBody = z.strictObject({
  email: Email,
  reason: z.string().trim().min(3).max(500),
});

/** The answer a banned requester gets: clear, final, and without the internal reason. */
export function bannedProblem(): Problem {
  return new Problem(
    403,
    'requester-banned',
    'Support unavailable',
    'This address may no longer open support requests with this desk. If you believe this is a mistake, contact the company through its other channels.',
  );
}

/**
 * The desk's ban list. Leads and above ban and unban (audited by who and when on the item);
 * every refused intake is counted on the ban so staff can see it is working.
 */
export function banService(deps: { bans: BanStore; clock: Clock }) {
  return {
    async assertNotBanned(desk: string, email: string): Promise<void> {
      const ban = await deps.bans.get(desk, email.toLowerCase());
      if (!ban) return;
      await deps.bans.recordBlocked(desk, ban.email, deps.clock.now().toISOString());
      throw bannedProblem();
    },
    async add(principal: Principal, body: z.infer<typeof AddBanBody>): Promise<Ban> {
      if (!SUPERVISOR_ROLES.has(principal.role))
        throw problems.forbidden('Only a lead, manager or ops can ban a requester.');
      const ban: Ban = {
        desk: principal.desk,
        email: body.email,
        reason: body.reason,
        bannedBy: principal.id,
        bannedAt: deps.clock.now().toISOString(),
        blockedAttempts: 0,
        lastBlockedAt: null,
      };
      if (!(await deps.bans.add(ban)))
        throw problems.conflict('already-banned', `${body.email} is already banned.`);
      return ban;
    },
    async remove(principal: Principal, email: string): Promise<void> {
      if (!SUPERVISOR_ROLES.has(principal.role))
        throw problems.forbidden('Only a lead, manager or ops can lift a ban.');
      const parsed = Email.safeParse(email);
      if (!parsed.success) throw problems.validation([{ pointer: '/email', detail: 'an email address' }]);
      if (!(await deps.bans.remove(principal.desk, parsed.data)))
        throw problems.notFound(`Ban of ${parsed.data}`);
    },
    async list(principal: Principal): Promise<Ban[]> {
      if (!isStaff(principal)) throw problems.forbidden('Only support staff can see the ban list.');
      return deps.bans.list(principal.desk);
    },
  };
}

export type BanService = ReturnType<typeof banService>;
