import { describe, expect, it } from 'vitest';
import {
  appClaimsFromScopes,
  appScope,
  type IdentityDecision,
  identityFromCognito,
  ROLE_GROUP_NAMES,
  tokenClaimsFor,
} from '#shared/auth/cognito-claims.ts';
import { TokenClaims } from '#shared/auth/principal.ts';

const customer = {
  'custom:desk': 'techflow',
  'custom:plan': 'enterprise',
  email: 'Ada@Example.com',
  email_verified: 'true',
  name: 'Ada Lovelace',
};
const agent = { 'custom:desk': 'rarelogic', email: 'agent@rarelogic.example', email_verified: 'true' };

function issued(decision: IdentityDecision) {
  if (decision.outcome !== 'issue') throw new Error(`refused: ${decision.reason}`);
  return decision;
}
function refusal(decision: IdentityDecision): string {
  if (decision.outcome !== 'refuse') throw new Error('issued');
  return decision.reason;
}

describe('identityFromCognito', () => {
  it('makes a customer of the customer group, with desk, plan and a lower-cased verified email', () => {
    const decision = issued(identityFromCognito({ groups: ['customer'], attributes: customer }));
    expect(decision).toEqual({
      outcome: 'issue',
      requiresMfa: false,
      claims: {
        role: 'customer',
        desk: 'techflow',
        plan: 'enterprise',
        email: 'ada@example.com',
        name: 'Ada Lovelace',
      },
    });
  });

  it.each([1, 2, 3, 4])('makes agent-tier%i an agent of that tier, who needs MFA', (tier) => {
    const decision = issued(identityFromCognito({ groups: [`agent-tier${tier}`], attributes: agent }));
    expect(decision.claims).toEqual({
      role: 'agent',
      desk: 'rarelogic',
      tier,
      email: 'agent@rarelogic.example',
    });
    expect(decision.requiresMfa).toBe(true);
  });

  it.each([
    ['lead', 'lead'],
    ['manager', 'manager'],
    ['ops', 'ops'],
  ])('makes the %s group role %s, staff who need MFA, with no tier', (group, role) => {
    const decision = issued(identityFromCognito({ groups: [group], attributes: agent }));
    expect(decision.claims.role).toBe(role);
    expect(decision.claims.tier).toBeUndefined();
    expect(decision.requiresMfa).toBe(true);
  });

  it('ignores groups that are not tierdesk roles, and a plan on staff', () => {
    const decision = issued(
      identityFromCognito({
        groups: ['us-east-1_abc_Google', 'lead'],
        attributes: { ...agent, 'custom:plan': 'enterprise' },
      }),
    );
    expect(decision.claims).toEqual({ role: 'lead', desk: 'rarelogic', email: 'agent@rarelogic.example' });
  });

  it('refuses users in no tierdesk group, or in several', () => {
    expect(refusal(identityFromCognito({ groups: [], attributes: agent }))).toMatch(/no tierdesk group/);
    expect(refusal(identityFromCognito({ groups: ['admins'], attributes: agent }))).toMatch(/agent-tier1/);
    expect(refusal(identityFromCognito({ groups: ['customer', 'agent-tier2'], attributes: agent }))).toMatch(
      /several tierdesk groups \(agent-tier2, customer\)/,
    );
  });

  it('refuses a missing or malformed desk', () => {
    for (const desk of [undefined, '', 'Tech Flow', 'x', 'a'.repeat(41), 'desk#1']) {
      const attributes = { ...agent, 'custom:desk': desk };
      expect(refusal(identityFromCognito({ groups: ['agent-tier1'], attributes }))).toMatch(/custom:desk/);
    }
  });

  it('refuses a well-formed desk that has no policy pack', () => {
    const attributes = { ...agent, 'custom:desk': 'nosuchdesk' };
    expect(refusal(identityFromCognito({ groups: ['agent-tier1'], attributes }))).toMatch(
      /"nosuchdesk" is not a desk of this deployment/,
    );
  });

  it('refuses a malformed plan and a customer without a verified email', () => {
    const badPlan = { ...customer, 'custom:plan': 'Gold Plus!' };
    expect(refusal(identityFromCognito({ groups: ['customer'], attributes: badPlan }))).toMatch(
      /custom:plan/,
    );
    const unverified = { ...customer, email_verified: 'false' };
    expect(refusal(identityFromCognito({ groups: ['customer'], attributes: unverified }))).toMatch(
      /verified email/,
    );
    const { email: _email, ...noEmail } = customer;
    expect(refusal(identityFromCognito({ groups: ['customer'], attributes: noEmail }))).toMatch(/verified/);
  });

  it('keeps an unverified email out of staff tokens without refusing them', () => {
    const decision = issued(
      identityFromCognito({ groups: ['ops'], attributes: { ...agent, email_verified: 'false' } }),
    );
    expect(decision.claims.email).toBeUndefined();
  });

  it('offers a group for every role except the machine role', () => {
    expect(ROLE_GROUP_NAMES).toEqual([
      'customer',
      'agent-tier1',
      'agent-tier2',
      'agent-tier3',
      'agent-tier4',
      'lead',
      'manager',
      'ops',
    ]);
  });
});

describe('tokenClaimsFor', () => {
  const agentDecision = issued(identityFromCognito({ groups: ['agent-tier2'], attributes: agent }));
  const customerDecision = issued(identityFromCognito({ groups: ['customer'], attributes: customer }));

  it('writes claims the verifier accepts into the access token, and role and desk into the ID token', () => {
    const { accessToken, idToken } = tokenClaimsFor(customerDecision, undefined);
    expect(accessToken).toEqual({
      role: 'customer',
      desk: 'techflow',
      plan: 'enterprise',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
    });
    expect(idToken).toEqual({ role: 'customer', desk: 'techflow', plan: 'enterprise' });
    expect(TokenClaims.safeParse({ sub: 'u1', ...accessToken }).success).toBe(true);
  });

  it('gives staff with TOTP their claims (tier as a number) and staff without TOTP none', () => {
    const withTotp = tokenClaimsFor(agentDecision, { totpEnabled: true }).accessToken;
    expect(withTotp).toEqual({ role: 'agent', desk: 'rarelogic', tier: 2, email: 'agent@rarelogic.example' });
    expect(TokenClaims.parse({ sub: 'u2', ...withTotp }).tier).toBe(2);
    expect(tokenClaimsFor(agentDecision, { totpEnabled: false })).toEqual({ accessToken: {}, idToken: {} });
    expect(tokenClaimsFor(agentDecision, undefined)).toEqual({ accessToken: {}, idToken: {} });
  });
});

describe('appClaimsFromScopes', () => {
  const machine = {
    sub: '4k1abc',
    client_id: '4k1abc',
    token_use: 'access',
    scope: appScope('techflow'),
  };

  it('maps a client-credentials token with one app scope to role app on that desk', () => {
    expect(appScope('techflow')).toBe('tierdesk/techflow.app');
    expect(appClaimsFromScopes(machine)).toEqual({ sub: '4k1abc', role: 'app', desk: 'techflow' });
    expect(appClaimsFromScopes({ ...machine, scope: `openid ${appScope('acentus')}` })?.desk).toBe('acentus');
  });

  it('maps nothing for user tokens, tokens with a role, several or no app scopes, or foreign scopes', () => {
    expect(appClaimsFromScopes({ ...machine, username: 'ada' })).toBeUndefined();
    expect(appClaimsFromScopes({ ...machine, role: 'agent' })).toBeUndefined();
    expect(appClaimsFromScopes({ ...machine, sub: 'someone-else' })).toBeUndefined();
    expect(
      appClaimsFromScopes({ ...machine, scope: `${appScope('techflow')} ${appScope('acentus')}` }),
    ).toBeUndefined();
    expect(appClaimsFromScopes({ ...machine, scope: 'aws.cognito.signin.user.admin' })).toBeUndefined();
    expect(appClaimsFromScopes({ ...machine, scope: 'other/techflow.app tierdesk/techflow.admin' })).toBe(
      undefined,
    );
    expect(appClaimsFromScopes({ ...machine, scope: undefined })).toBeUndefined();
  });
});
