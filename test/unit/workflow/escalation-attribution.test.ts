import { describe, expect, it } from 'vitest';
import { computeSla, type SlaInputEvent } from '../../../shared/sla/engine.ts';
import type { TicketActivity } from '../../../shared/tickets/activity.ts';
import type { Ticket } from '../../../shared/tickets/model.ts';
import { policyPackPlanner, slaStateOf } from '../../../shared/workflow/policy-planner.ts';
import { fixedFirstResponsePlanner } from '../../../shared/workflow/sla-planner.ts';
import { fixturePack } from '../sla/fixture-pack.ts';

// An Apply step that applies several escalations at once records each as a tier change made by
// the workflow; replaying that activity must not read them as an agent's changes.
const CREATED = '2031-03-03T15:00:00.000Z';
const FIVE_HOURS_LATER = '2031-03-03T20:00:00.000Z';

const ticket = (tier: number): Ticket =>
  ({
    id: 'T1',
    desk: 'techflow',
    subject: 's',
    status: 'new',
    priority: 'urgent',
    plan: 'standard',
    channel: 'email',
    tier,
    version: 1,
    createdAt: CREATED,
    updatedAt: CREATED,
    requester: { id: 'c', email: 'c@example.com' },
    assignee: null,
    tags: [],
  }) as unknown as Ticket;

const created: TicketActivity = {
  at: CREATED,
  by: 'customer',
  type: 'ticket-created',
  priority: 'urgent',
  plan: 'standard',
  channel: 'email',
  status: 'new',
};

describe('escalations the workflow applied, replayed', () => {
  it('two escalations applied in one step are logged once each, as the workflow made them', () => {
    const planner = policyPackPlanner(fixedFirstResponsePlanner({ urgent: 60, high: 1, normal: 1, low: 1 }));
    const plan = planner(ticket(1), [created], new Date(FIVE_HOURS_LATER));
    const escalations = plan.actions.filter((a) => a.kind === 'escalate');
    expect(escalations.map((a) => a.toTier)).toEqual([2, 3]);
    // What check-ticket-sla writes for them, both at the step's instant.
    const applied: TicketActivity[] = escalations.map((a, i) => ({
      at: FIVE_HOURS_LATER,
      by: 'sla-workflow',
      type: 'tier-changed',
      from: i + 1,
      to: a.toTier!,
      actionId: a.id,
    }));
    const state = slaStateOf(ticket(3), [created, ...applied], new Date('2031-03-03T21:00:00.000Z'))!;
    const tierLines = state.log.filter((e) => e.type === 'escalated');
    expect(tierLines.map((e) => e.detail)).toEqual([
      expect.stringMatching(/tier 1 → 2 \(Level 2 - Senior Support Engineer\).*by the SLA workflow/),
      expect.stringMatching(/tier 2 → 3 \(Level 3 - Engineering Team\).*by the SLA workflow/),
    ]);
    expect(state.log.some((e) => /agent/.test(e.detail) && e.type === 'escalated')).toBe(false);
    expect(state.ticket.tier).toBe(3);
    // The replay plans no further action for what was already applied.
    const again = planner(ticket(3), [created, ...applied], new Date('2031-03-03T21:00:00.000Z'));
    expect(again.actions.map((a) => a.id)).toEqual(plan.actions.map((a) => a.id));
  });
});

describe('older activity', () => {
  it('a tier change the workflow recorded before changes named their action is still the workflow’s', () => {
    const legacy: TicketActivity[] = [
      created,
      { at: FIVE_HOURS_LATER, by: 'sla-workflow', type: 'tier-changed', from: 1, to: 2 },
      { at: FIVE_HOURS_LATER, by: 'sla-workflow', type: 'tier-changed', from: 2, to: 3 },
    ];
    const state = slaStateOf(ticket(3), legacy, new Date('2031-03-03T21:00:00.000Z'))!;
    const lines = state.log.filter((e) => e.type === 'escalated').map((e) => e.detail);
    expect(lines).toHaveLength(2);
    expect(lines.some((d) => /agent/.test(d))).toBe(false);
  });
});

describe('engine: a tier change recorded by the workflow', () => {
  const pack = fixturePack();
  const base: SlaInputEvent = {
    at: '2026-03-02T09:00:00Z',
    type: 'ticket-created',
    priority: 'urgent',
    plan: 'basic',
    channel: 'email',
    status: 'new',
  };

  it('at the very instant of its escalation is the escalation itself, not an agent change', () => {
    // Urgent first response: 60 business minutes, escalation at 1× → due 10:00; the step ran at 10:00.
    const events: SlaInputEvent[] = [
      base,
      { at: '2026-03-02T10:00:00Z', type: 'tier-changed', to: 2, actionId: 'escalate:x1:first-response:1' },
    ];
    const s = computeSla(pack, events, new Date('2026-03-02T10:30:00Z'));
    const lines = s.log.filter((e) => e.type === 'escalated');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ at: '2026-03-02T10:00:00.000Z', rule: 'x1' });
    expect(lines[0]!.detail).toMatch(/tier 1 → 2 \(L2\).*by the SLA workflow/);
    expect(s.actions.filter((a) => a.kind === 'escalate').map((a) => a.id)).toEqual([
      'escalate:x1:first-response:1',
    ]);
  });

  it('that the pack no longer derives is still logged once, as the workflow’s', () => {
    const events: SlaInputEvent[] = [
      base,
      { at: '2026-03-02T09:10:00Z', type: 'tier-changed', to: 3, actionId: 'escalate:gone:first-response:1' },
    ];
    const s = computeSla(pack, events, new Date('2026-03-02T09:20:00Z'));
    const lines = s.log.filter((e) => e.type === 'escalated');
    expect(lines.map((e) => e.detail)).toEqual([
      expect.stringMatching(/tier 1 → 3 .*by the SLA workflow \(action escalate:gone:first-response:1\)/),
    ]);
    expect(s.ticket.tier).toBe(3);
  });

  it('an agent’s change is still an agent’s', () => {
    const s = computeSla(
      pack,
      [base, { at: '2026-03-02T09:10:00Z', type: 'tier-changed', to: 2 }],
      new Date('2026-03-02T09:20:00Z'),
    );
    expect(s.log.filter((e) => e.type === 'escalated').map((e) => e.detail)).toEqual([
      'tier 1 → 2 (changed by an agent)',
    ]);
  });
});
