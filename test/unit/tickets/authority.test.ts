import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { DomainError } from '#shared/errors/domain-error.ts';
import { problemOf } from '#shared/http/problem.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import { assertMayLoosen, isAnswered, looseningsOf } from '#shared/tickets/authority.ts';
import { authorityRulesOf, entitlementRulesOf } from '#shared/tickets/desk-policy.ts';
import { assertCustomerTags, entitledPriority } from '#shared/tickets/entitlement.ts';
import type { Ticket } from '#shared/tickets/model.ts';

const techflow = authorityRulesOf(getPolicyPack('techflow'));
const rch = authorityRulesOf(getPolicyPack('rch-spyfocus'));
const who = (role: Principal['role']): Principal => ({
  id: `u-${role}`,
  role,
  desk: 'techflow',
  email: undefined,
  name: undefined,
  plan: undefined,
  tier: undefined,
});
const ticket: Ticket = {
  id: '01J00000000000000000000000',
  desk: 'techflow',
  subject: 's',
  requester: { id: 'c', email: 'c@example.com' },
  priority: 'urgent',
  plan: 'enterprise',
  channel: 'api',
  status: 'open',
  tier: 2,
  assignee: null,
  tags: [],
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  version: 1,
};
const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { status: problemOf(e).status, errors: e.errors };
    throw e;
  }
  return undefined;
};

describe('loosening changes', () => {
  it('finds plan downgrades by the pack order, lower priorities, lower tiers and closing an unanswered P1', () => {
    expect(
      looseningsOf(
        ticket,
        { plan: 'standard', priority: 'high', tier: 1, status: 'solved' },
        techflow,
        false,
      ).map((l) => [l.change, l.pointer]),
    ).toEqual([
      ['plan-downgrade', '/plan'],
      ['priority-downgrade', '/priority'],
      ['tier-down', '/tier'],
      ['close-unanswered-urgent', '/status'],
    ]);
  });

  it('does not count tightening changes, or closing an answered P1', () => {
    const low = { ...ticket, priority: 'low' as const, plan: 'standard', tier: 1 };
    expect(looseningsOf(low, { plan: 'enterprise', priority: 'urgent', tier: 3 }, techflow, false)).toEqual(
      [],
    );
    expect(looseningsOf(ticket, { status: 'solved' }, techflow, true)).toEqual([]);
    expect(looseningsOf({ ...ticket, priority: 'high' }, { status: 'closed' }, techflow, false)).toEqual([]);
  });

  it('treats a plan the pack does not rank as a downgrade', () => {
    expect(looseningsOf(ticket, { plan: 'legacy' }, techflow, false)[0]?.change).toBe('plan-downgrade');
  });

  it('answered means a public agent reply', () => {
    const at = '2030-01-01T00:00:00.000Z';
    expect(isAnswered([{ at, by: 'a', type: 'agent-reply', visibility: 'internal', messageId: 'm' }])).toBe(
      false,
    );
    expect(isAnswered([{ at, by: 'a', type: 'agent-reply', visibility: 'public', messageId: 'm' }])).toBe(
      true,
    );
  });
});

describe('who may loosen', () => {
  const tierDown = [{ change: 'tier-down' as const, pointer: '/tier' }];
  it('leads and managers always; agents and ops never where the pack says nothing', () => {
    expect(refusal(() => assertMayLoosen(who('lead'), tierDown, techflow, undefined))).toBeUndefined();
    expect(refusal(() => assertMayLoosen(who('manager'), tierDown, techflow, undefined))).toBeUndefined();
    for (const role of ['agent', 'ops'] as const) {
      expect(refusal(() => assertMayLoosen(who(role), tierDown, techflow, 'because'))).toMatchObject({
        status: 403,
        errors: [{ pointer: '/tier', change: 'tier-down', requiredRole: 'lead' }],
      });
    }
  });

  it('an agent with a reason where the pack allows it (RCH SpyFocus tier down), not without', () => {
    expect(refusal(() => assertMayLoosen(who('agent'), tierDown, rch, 'handed back'))).toBeUndefined();
    expect(refusal(() => assertMayLoosen(who('agent'), tierDown, rch, undefined))).toMatchObject({
      errors: [{ requiredRole: 'agent-with-reason' }],
    });
    const planDown = [{ change: 'plan-downgrade' as const, pointer: '/plan' }];
    expect(refusal(() => assertMayLoosen(who('agent'), planDown, rch, 'handed back'))).toMatchObject({
      status: 403,
    });
  });
});

describe('priority entitlement', () => {
  const tf = entitlementRulesOf(getPolicyPack('techflow'));
  const acentus = entitlementRulesOf(getPolicyPack('acentus'));
  const rarelogic = entitlementRulesOf(getPolicyPack('rarelogic'));
  it('opens at the most urgent priority the plan may open and records the request', () => {
    expect(entitledPriority('urgent', 'enterprise', tf)).toEqual({ priority: 'urgent' });
    expect(entitledPriority('urgent', 'standard', tf)).toEqual({
      priority: 'high',
      requestedPriority: 'urgent',
    });
    expect(entitledPriority('urgent', 'basic', acentus)).toEqual({
      priority: 'normal',
      requestedPriority: 'urgent',
    });
    expect(entitledPriority('urgent', 'premium', acentus)).toEqual({
      priority: 'high',
      requestedPriority: 'urgent',
    });
    expect(entitledPriority('high', 'standard', rarelogic)).toEqual({
      priority: 'normal',
      requestedPriority: 'high',
    });
    expect(entitledPriority('high', 'high-priority', rarelogic)).toEqual({ priority: 'high' });
    expect(entitledPriority('low', 'basic', acentus)).toEqual({ priority: 'low' });
  });

  it('refuses tags that are not customer tags, at their index', () => {
    expect(refusal(() => assertCustomerTags(['queue-security'], tf))).toMatchObject({
      status: 422,
      errors: [{ pointer: '/tags/0' }],
    });
    expect(
      refusal(() =>
        assertCustomerTags(['mobile', 'vip'], { plansFor: () => undefined, customerTags: ['mobile'] }),
      ),
    ).toMatchObject({ errors: [{ pointer: '/tags/1' }] });
    expect(refusal(() => assertCustomerTags([], tf))).toBeUndefined();
  });
});
