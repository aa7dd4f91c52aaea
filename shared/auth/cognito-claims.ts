import * as z from '#shared/validation/zod.ts';
import { isKnownDesk, PACK_IDS } from '../policy/pack-ids.ts';
import { Slug } from '../tickets/model.ts';
import { type Role, STAFF_ROLES } from './principal.ts';

/**
 * How Cognito identities become tierdesk principals (docs/security.md, "Authentication").
 *
 * People: one Cognito group gives the role (and an agent's tier), immutable `custom:desk` the desk,
 * `custom:plan` a customer's plan. The pre-token-generation trigger (functions/auth/pre-token-generation.ts)
 * writes them into the access token as the `role`, `desk`, `plan`, `tier`, `email`, `name` claims the
 * handlers' verifier reads, and refuses to issue tokens to anyone it cannot place.
 *
 * Machines: Cognito does not run a V2_0 trigger for client-credentials tokens, so an app client's desk is
 * carried by its one allowed OAuth scope, `tierdesk/<desk>.app`, and the verifier maps that scope to
 * role `app` and the desk ({@link appClaimsFromScopes}).
 *
 * Pure: no AWS import, no clock.
 */

/** The resource server's identifier; every app scope is `tierdesk/<desk>.app`. */
export const RESOURCE_SERVER_ID = 'tierdesk';

/** The one OAuth scope a desk's machine client may request. */
export function appScopeName(desk: string): string {
  return `${desk}.app`;
}
export function appScope(desk: string): string {
  return `${RESOURCE_SERVER_ID}/${appScopeName(desk)}`;
}

const APP_SCOPE = new RegExp(`^${RESOURCE_SERVER_ID}/([a-z0-9][a-z0-9-]{1,39})\\.app$`);

/** The Cognito groups and what each grants. Group names are what operators type; keep them stable. */
export const ROLE_GROUPS = {
  customer: { role: 'customer' },
  'agent-tier1': { role: 'agent', tier: 1 },
  'agent-tier2': { role: 'agent', tier: 2 },
  'agent-tier3': { role: 'agent', tier: 3 },
  'agent-tier4': { role: 'agent', tier: 4 },
  lead: { role: 'lead' },
  manager: { role: 'manager' },
  ops: { role: 'ops' },
} as const satisfies Record<string, { role: Exclude<Role, 'app'>; tier?: number }>;
export type RoleGroup = keyof typeof ROLE_GROUPS;
export const ROLE_GROUP_NAMES = Object.keys(ROLE_GROUPS) as RoleGroup[];

/** User attributes the mapping reads (Cognito sends every attribute as a string). */
export const DESK_ATTRIBUTE = 'custom:desk';
export const PLAN_ATTRIBUTE = 'custom:plan';

/** Claims written into an access token for a person. */
export interface UserTokenClaims {
  role: Exclude<Role, 'app'>;
  desk: string;
  plan?: string;
  tier?: number;
  email?: string;
  name?: string;
}

export type IdentityDecision =
  | {
      readonly outcome: 'issue';
      readonly claims: UserTokenClaims;
      /** Staff must have TOTP enabled before they get a working token (see {@link tokenClaimsFor}). */
      readonly requiresMfa: boolean;
    }
  | { readonly outcome: 'refuse'; readonly reason: string };

const Email = z.email();

/**
 * Places a user: exactly one role group, a valid desk, a valid plan if any. Refusals carry a sentence
 * Cognito shows the caller (`PreTokenGeneration failed with error <reason>`); it names what an operator
 * must fix and never echoes other users' data.
 */
export function identityFromCognito(input: {
  readonly groups: readonly string[];
  readonly attributes: Readonly<Record<string, string | undefined>>;
}): IdentityDecision {
  const roleGroups = [...new Set(input.groups)].filter((g): g is RoleGroup => g in ROLE_GROUPS).sort();
  if (roleGroups.length === 0) {
    return {
      outcome: 'refuse',
      reason: `The user is in no tierdesk group; add them to one of: ${ROLE_GROUP_NAMES.join(', ')}.`,
    };
  }
  if (roleGroups.length > 1) {
    return {
      outcome: 'refuse',
      reason: `The user is in several tierdesk groups (${roleGroups.join(', ')}); keep exactly one.`,
    };
  }
  const group = ROLE_GROUPS[roleGroups[0]!];

  const desk = Slug.safeParse(input.attributes[DESK_ATTRIBUTE]);
  if (!desk.success) {
    return {
      outcome: 'refuse',
      reason: `The user has no valid ${DESK_ATTRIBUTE} (lower-case letters, digits and dashes, 2–40 characters).`,
    };
  }
  if (!isKnownDesk(desk.data)) {
    return {
      outcome: 'refuse',
      reason: `The user's ${DESK_ATTRIBUTE} "${desk.data}" is not a desk of this deployment (${PACK_IDS.join(', ')}).`,
    };
  }

  const claims: UserTokenClaims = { role: group.role, desk: desk.data };
  if ('tier' in group) claims.tier = group.tier;

  const rawPlan = input.attributes[PLAN_ATTRIBUTE];
  if (rawPlan !== undefined && rawPlan !== '') {
    const plan = Slug.safeParse(rawPlan);
    if (!plan.success) {
      return { outcome: 'refuse', reason: `The user's ${PLAN_ATTRIBUTE} is not a valid plan id.` };
    }
    // A plan only means something for a customer (it picks their SLA targets); staff act for the desk.
    if (group.role === 'customer') claims.plan = plan.data;
  }

  // Only a verified address identifies a customer: tickets are matched to customers by email, so an
  // address nobody proved they own must never reach a token.
  const email = input.attributes.email_verified === 'true' ? input.attributes.email : undefined;
  const parsedEmail = email === undefined ? undefined : Email.safeParse(email);
  if (parsedEmail?.success) claims.email = parsedEmail.data.toLowerCase();
  if (group.role === 'customer' && !claims.email) {
    return {
      outcome: 'refuse',
      reason: 'A customer needs a verified email address (tickets are matched to it).',
    };
  }

  const name = input.attributes.name?.trim();
  if (name) claims.name = name.slice(0, 200);

  return { outcome: 'issue', claims, requiresMfa: STAFF_ROLES.has(group.role) };
}

/**
 * What the pre-token trigger writes into the tokens of a user it placed.
 *
 * Staff without an enabled TOTP factor get tokens *without* tierdesk claims: the API rejects them (401),
 * but the access token still carries Cognito's own `aws.cognito.signin.user.admin` scope, which is what
 * AssociateSoftwareToken / VerifySoftwareToken / SetUserMFAPreference need to enrol TOTP. Refusing the token
 * outright would lock a new agent out for good, because a pool with optional MFA never offers MFA set-up
 * during sign-in. Once TOTP is enabled, Cognito challenges for it at every sign-in.
 */
export function tokenClaimsFor(
  decision: Extract<IdentityDecision, { outcome: 'issue' }>,
  mfa: { readonly totpEnabled: boolean } | undefined,
): {
  readonly accessToken: Record<string, string | number>;
  readonly idToken: Record<string, string | number>;
} {
  if (decision.requiresMfa && !mfa?.totpEnabled) return { accessToken: {}, idToken: {} };
  const { claims } = decision;
  const accessToken: Record<string, string | number> = { role: claims.role, desk: claims.desk };
  if (claims.plan !== undefined) accessToken.plan = claims.plan;
  if (claims.tier !== undefined) accessToken.tier = claims.tier;
  if (claims.email !== undefined) accessToken.email = claims.email;
  if (claims.name !== undefined) accessToken.name = claims.name;
  // The ID token already has email and name; give front ends the same role and desk to render with.
  const { email: _email, name: _name, ...idToken } = accessToken;
  return { accessToken, idToken };
}

/**
 * A Cognito client-credentials access token carries no user: `sub` is the client id, there is no `username`,
 * and its `scope` lists what the client was allowed. If it holds exactly one `tierdesk/<desk>.app` scope and
 * no `role` claim, this returns the claims the verifier should read (`role: app`, that desk); otherwise
 * `undefined`, and the token is judged on its own claims. A user's token never qualifies: it has a
 * `username`, and no user-facing client is allowed app scopes.
 */
export function appClaimsFromScopes(
  payload: Readonly<Record<string, unknown>>,
): { sub: string; role: 'app'; desk: string } | undefined {
  if (payload.role !== undefined || payload.username !== undefined) return undefined;
  if (typeof payload.sub !== 'string' || payload.sub !== payload.client_id) return undefined;
  if (typeof payload.scope !== 'string') return undefined;
  const desks = payload.scope
    .split(' ')
    .map((scope) => APP_SCOPE.exec(scope)?.[1])
    .filter((desk): desk is string => desk !== undefined);
  if (desks.length !== 1) return undefined;
  return { sub: payload.sub, role: 'app', desk: desks[0]! };
}
