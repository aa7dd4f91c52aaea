import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { Clock } from '../time/clock.ts';
import { banKeysFor, parseBanPattern } from './ban-address.ts';
import type { Ban, BanStore, RequesterMailCheck } from './ports.ts';

/** What a lead bans: an address (`troll@example.com`) or a domain with its sub-domains (`@example.com`). */
export const BanTarget = z.pipe(
  z.string().check(z.maxLength(254)),
  z.transform((raw, ctx) => {
    const pattern = parseBanPattern(raw);
    if (!pattern) {
      ctx.issues.push({
        code: 'custom',
        message: 'an email address, or @domain (two labels or more) to ban a domain and its sub-domains',
        input: raw,
      });
      return z.NEVER;
    }
    return pattern.key;
  }),
);

/** A ban as GET /bans and POST /bans answer it (the stored `Ban`, checked against its type). */
export const BanView = z.strictObject({
  desk: z.string(),
  email: z.string(),
  reason: z.string(),
  bannedBy: z.string(),
  bannedAt: z.iso.datetime(),
  blockedAttempts: z.number().check(z.int(), z.nonnegative()),
  lastBlockedAt: z.nullable(z.iso.datetime()),
}) satisfies z.ZodMiniType<Ban>;

export const AddBanBody = z.strictObject({
  email: BanTarget,
  reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(500)),
});

/**
 * The check every intake path must pass (API tickets and messages, email, DSAR, billing appeals,
 * surveys). Services take it as a required dependency, so no composition root can leave it out.
 */
export interface BanCheck {
  /** The ban covering any of these addresses (normalised, domain bans included), or undefined. */
  findBan(desk: string, addresses: readonly string[]): Promise<Ban | undefined>;
  /** Counts a refused attempt on the ban (count and time only, never its content). */
  recordRefusal(ban: Ban): Promise<void>;
  /** Refuses a banned requester: counts the attempt and throws the 403 problem. */
  assertNotBanned(desk: string, ...addresses: Array<string | undefined>): Promise<void>;
  /**
   * `assertNotBanned` for a requester whose ticket will be mailed, reading the address's mail
   * suppression in the same batch: what the first mails to them need to know.
   */
  checkRequester(desk: string, email: string | undefined): Promise<RequesterMailCheck | undefined>;
}

/**
 * The desk's ban list. Leads and above ban and unban (audited by who and when on the item);
 * every refused intake is counted on the ban so staff can see it is working.
 */
export function banService(deps: { bans: BanStore; clock: Clock }) {
  const check: BanCheck = {
    async findBan(desk, addresses) {
      const keys = addresses.flatMap((a) => banKeysFor(a));
      return keys.length ? deps.bans.find(desk, keys) : undefined;
    },
    async recordRefusal(ban) {
      await deps.bans.recordBlocked(ban.desk, ban.email, deps.clock.now().toISOString());
    },
    async assertNotBanned(desk, ...addresses) {
      const ban = await check.findBan(
        desk,
        addresses.filter((a): a is string => !!a),
      );
      if (!ban) return;
      await check.recordRefusal(ban);
      throw DomainError.banned();
    },
    async checkRequester(desk, email) {
      if (!email) return undefined;
      const { ban, suppressed } = await deps.bans.findWithSuppression(
        desk,
        banKeysFor(email),
        email.toLowerCase(),
      );
      if (ban) {
        await check.recordRefusal(ban);
        throw DomainError.banned();
      }
      return { checkedAt: deps.clock.now().toISOString(), suppressed };
    },
  };
  return {
    ...check,
    async add(principal: Principal, body: z.infer<typeof AddBanBody>): Promise<Ban> {
      if (!SUPERVISOR_ROLES.has(principal.role))
        throw DomainError.forbidden('Only a lead, manager or ops can ban a requester.');
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
        throw DomainError.conflict('already-banned', `${body.email} is already banned.`);
      return ban;
    },
    async remove(principal: Principal, email: string): Promise<void> {
      if (!SUPERVISOR_ROLES.has(principal.role))
        throw DomainError.forbidden('Only a lead, manager or ops can lift a ban.');
      const parsed = BanTarget.safeParse(email);
      if (!parsed.success)
        throw DomainError.validation([{ pointer: '/email', detail: 'an email address or @domain' }]);
      if (!(await deps.bans.remove(principal.desk, parsed.data)))
        throw DomainError.notFound(`Ban of ${parsed.data}`);
    },
    async list(principal: Principal): Promise<Ban[]> {
      if (!isStaff(principal)) throw DomainError.forbidden('Only support staff can see the ban list.');
      return deps.bans.list(principal.desk);
    },
  };
}

export type BanService = ReturnType<typeof banService>;
