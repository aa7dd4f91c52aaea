import { findPolicyPack } from '../policy/packs.ts';
import type { PolicyPack } from '../policy/schema.ts';
import type { DeskDefaults } from './commands.ts';
import { PRIORITIES, type Priority } from './model.ts';

/** Defaults for desks without a policy pack. */
const GENERIC: DeskDefaults = { plan: 'standard', priority: 'normal' };

/**
 * What a desk's policy pack says about new tickets: its default plan and priority, the plans it
 * knows, and how a ticket without a stated priority gets one (the pack's intake keywords; the
 * most urgent match wins).
 */
export function deskDefaultsFor(desk: string): DeskDefaults {
  const pack = findPolicyPack(desk);
  if (!pack) return GENERIC;
  return {
    plan: pack.defaultPlan,
    priority: pack.defaultPriority,
    plans: pack.plans.map((p) => p.id),
    priorityFor: (text) => priorityFromKeywords(pack, text),
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
