import { findPolicyPack } from '../policy/packs.ts';
import type { PolicyPack } from '../policy/schema.ts';
import { type AuthorityRules, LEAD_ONLY } from './authority.ts';
import type { DeskDefaults } from './commands.ts';
import { type EntitlementRules, OPEN_ENTITLEMENT } from './entitlement.ts';
import { PRIORITIES, type Priority } from './model.ts';

/** Defaults for desks without a policy pack: leads loosen promises, customers set no tags. */
export const GENERIC_DESK_DEFAULTS: DeskDefaults = {
  plan: 'standard',
  priority: 'normal',
  authority: LEAD_ONLY,
  entitlement: OPEN_ENTITLEMENT,
};

/**
 * What a desk's policy pack says about tickets: its default plan and priority, the plans it
 * knows, how a ticket without a stated priority gets one (the pack's intake keywords; the most
 * urgent match wins), who may loosen a promise, and what customers are entitled to at intake.
 */
export function deskDefaultsFor(desk: string): DeskDefaults {
  const pack = findPolicyPack(desk);
  if (!pack) return GENERIC_DESK_DEFAULTS;
  return {
    plan: pack.defaultPlan,
    priority: pack.defaultPriority,
    plans: pack.plans.map((p) => p.id),
    priorityFor: (text) => priorityFromKeywords(pack, text),
    authority: authorityRulesOf(pack),
    entitlement: entitlementRulesOf(pack),
  };
}

export function authorityRulesOf(pack: PolicyPack): AuthorityRules {
  const plans = pack.plans.map((p) => p.id);
  return {
    loosening: (change) => pack.staffAuthority?.loosening.find((l) => l.change === change)?.allowed ?? 'lead',
    planRank: (plan) => (plans.includes(plan) ? plans.indexOf(plan) : undefined),
  };
}

export function entitlementRulesOf(pack: PolicyPack): EntitlementRules {
  const entries = pack.customerIntake?.priorityEntitlement ?? [];
  return {
    plansFor: (priority) => entries.find((e) => e.priority === priority)?.plans,
    customerTags: pack.customerIntake?.customerTags ?? [],
  };
}

export function priorityFromKeywords(pack: PolicyPack, text: string): Priority | undefined {
  const haystack = ` ${text.toLowerCase().replace(/\s+/g, ' ')} `;
  for (const priority of PRIORITIES) {
    const keywords = pack.priorities[priority]?.intake?.keywords ?? [];
    if (keywords.some((k) => new RegExp(`\\b${escapeRegExp(k.toLowerCase())}\\b`).test(haystack)))
      return priority;
  }
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
