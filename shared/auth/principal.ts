import * as z from '#shared/validation/zod.ts';
import { Slug, Tier } from '../tickets/model.ts';

export const ROLES = ['customer', 'agent', 'lead', 'manager', 'ops', 'app'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Staff act for the desk; customers only for themselves; apps are machine callers of one desk. */
export const STAFF_ROLES: ReadonlySet<Role> = new Set(['agent', 'lead', 'manager', 'ops']);
/** Supervisor actions (bans, incidents, KPIs, SLA preview). Loosening a ticket's promise is decided in shared/tickets/authority.ts. */
export const SUPERVISOR_ROLES: ReadonlySet<Role> = new Set(['lead', 'manager', 'ops']);

/** The claims tierdesk reads from a verified access token. */
export const TokenClaims = z.object({
  sub: z.string().check(z.minLength(1), z.maxLength(128)),
  role: Role,
  desk: Slug,
  email: z.optional(z.email()),
  name: z.optional(z.string().check(z.maxLength(200))),
  plan: z.optional(Slug),
  tier: z.optional(Tier),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

export interface Principal {
  id: string;
  role: Role;
  desk: string;
  email: string | undefined;
  name: string | undefined;
  plan: string | undefined;
  tier: number | undefined;
}

export function principalFromClaims(claims: TokenClaims): Principal {
  return {
    id: claims.sub,
    role: claims.role,
    desk: claims.desk,
    email: claims.email?.toLowerCase(),
    name: claims.name,
    plan: claims.plan,
    tier: claims.tier,
  };
}

export function isStaff(principal: Principal): boolean {
  return STAFF_ROLES.has(principal.role);
}
