import { describe, expect, it } from 'vitest';
import { dataClassDefinition } from '#shared/compliance/data-classes.ts';
import { decideRetention, retentionCutoff, retentionPlan } from '#shared/compliance/retention.ts';
import { loadPolicyPacks } from '#shared/policy/packs.ts';

const now = new Date('2030-06-01T03:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('retention plans from the packs', () => {
  it('TechFlow: tickets 2 years, chat 1 year, call recordings 90 days; the knowledge base is kept', () => {
    const plan = retentionPlan(loadPolicyPacks().get('techflow'), now);
    expect(
      plan.rules.filter((r) => r.origin === 'pack').map((r) => [r.dataClass, r.days, r.indexClass]),
    ).toEqual([
      ['support-tickets', 730, 'ticket'],
      ['chat-transcripts', 365, 'chat-transcripts'],
      ['call-recordings', 90, 'call-recordings'],
    ]);
    expect(plan.notPurged).toEqual([
      { dataClass: 'knowledge-base', reason: 'kept indefinitely by the policy' },
    ]);
    expect(plan.rules.find((r) => r.dataClass === 'support-tickets')?.cutoff).toBe(
      '2028-06-01T03:00:00.000Z',
    );
  });

  it('RCH SpyFocus: diagnostic logs 90 days, 180 for compliance customers', () => {
    const plan = retentionPlan(loadPolicyPacks().get('rch-spyfocus'), now);
    expect(plan.rules.filter((r) => r.origin === 'pack').map((r) => [r.dataClass, r.days])).toEqual([
      ['diagnostic-logs', 90],
      ['diagnostic-logs-compliance', 180],
    ]);
  });

  it('every desk purges the records the product creates itself (export bundles, idempotency keys)', () => {
    for (const pack of loadPolicyPacks().values()) {
      const defaults = retentionPlan(pack, now).rules.filter((r) => r.origin === 'product-default');
      expect(defaults.map((r) => [r.dataClass, r.days])).toEqual([
        ['dsar-exports', 30],
        ['idempotency-keys', 30],
      ]);
    }
  });

  it('every data class a shipped pack names is one the registry knows', () => {
    for (const pack of loadPolicyPacks().values()) {
      for (const cls of pack.retention?.classes ?? [])
        expect(dataClassDefinition(cls.dataClass), cls.dataClass).toBeDefined();
    }
  });
});

describe('the cut-off, to the second', () => {
  const rule = { cutoff: retentionCutoff(now, 90).toISOString(), unit: 'attachment' as const };
  const cut = Date.parse(rule.cutoff);
  const candidate = (createdAt: string) => ({ pk: 'p', sk: 's', createdAt });

  it('purges an item created one second before the cut-off', () => {
    expect(decideRetention(candidate(iso(cut - 1000)), rule, false)).toEqual({ purge: true });
  });
  it('keeps an item created exactly at the cut-off and one second after', () => {
    expect(decideRetention(candidate(iso(cut)), rule, false)).toEqual({ purge: false, reason: 'not-due' });
    expect(decideRetention(candidate(iso(cut + 1000)), rule, false)).toEqual({
      purge: false,
      reason: 'not-due',
    });
  });
  it('keeps anything under a legal hold', () => {
    expect(decideRetention(candidate(iso(cut - 86_400_000)), rule, true)).toEqual({
      purge: false,
      reason: 'legal-hold',
    });
  });
  it('keeps an old ticket that saw activity after the cut-off', () => {
    const ticketRule = { cutoff: rule.cutoff, unit: 'ticket' as const };
    const old = iso(cut - 10 * 86_400_000);
    expect(
      decideRetention({ ...candidate(old), lastActivityAt: iso(cut + 1000) }, ticketRule, false),
    ).toEqual({
      purge: false,
      reason: 'recent-activity',
    });
    expect(
      decideRetention({ ...candidate(old), lastActivityAt: iso(cut - 1000) }, ticketRule, false),
    ).toEqual({
      purge: true,
    });
  });
});
