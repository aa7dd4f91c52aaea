/** The pack readings that follow the documents' own sentences, at the instants the documents imply. */
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import { parsePolicyPack } from '#shared/policy/schema.ts';
import { closedDaysOf, ruleDate } from '#shared/sla/closed-days.ts';
import { computeDeadline, computeSla, type SlaInputEvent } from '#shared/sla/engine.ts';
import { PreviewRequest, previewForCaller } from '#shared/sla/preview-request.ts';

const rarelogic = getPolicyPack('rarelogic');
const firstTouch = (createdAt: string) =>
  computeDeadline(
    rarelogic,
    { priority: 'normal', plan: 'standard', channel: 'email' },
    'first-response',
    new Date(createdAt),
  )?.toISOString();

describe('RareLogic: "Excluding major Canadian holidays" (Ontario public holidays)', () => {
  it('a ticket the Friday before Victoria Day 2027 is not due on the holiday Monday', () => {
    // Fri 21 May 2027 16:00 EDT: one hour left on Friday, Mon 24 May is Victoria Day.
    expect(firstTouch('2027-05-21T16:00:00-04:00')).toBe('2027-05-25T14:00:00.000Z'); // Tue 10:00 EDT
  });

  it('a ticket the Friday before Thanksgiving 2027 is not due on the holiday Monday', () => {
    expect(firstTouch('2027-10-08T16:00:00-04:00')).toBe('2027-10-12T14:00:00.000Z'); // Tue 10:00 EDT
  });

  it('closes Family Day, and a weekend holiday on the next weekday (Christmas and Boxing Day 2027)', () => {
    expect(firstTouch('2027-02-12T16:00:00-05:00')).toBe('2027-02-16T15:00:00.000Z'); // Family Day Mon 15 Feb
    // Sat 25 and Sun 26 Dec 2027 close Mon 27 and Tue 28: due Wed 29 Dec 10:00 EST.
    expect(firstTouch('2027-12-24T16:00:00-05:00')).toBe('2027-12-29T15:00:00.000Z');
  });

  it('computes the rules for any year a deadline can reach, with no table to run out', () => {
    const def = rarelogic.calendars['support-hours']!.closedDays!;
    const y2099 = closedDaysOf(def, 2099);
    expect(y2099.get('2099-05-18')).toBe('Victoria Day'); // Monday before 25 May
    expect(y2099.get('2099-10-12')).toBe('Thanksgiving');
    expect(y2099.get('2099-04-10')).toBe('Good Friday');
    expect(firstTouch('2099-05-15T16:00:00-04:00')).toBe('2099-05-19T14:00:00.000Z');
  }, 30_000); // builds every calendar year from now to 2099 (~3 s alone, more beside the e2e suites)

  it('reads the date rules like the calendar does', () => {
    expect(new Date(ruleDate({ name: 'v', month: 5, weekday: 'mon', before: 25 }, 2026)).toISOString()).toBe(
      '2026-05-18T00:00:00.000Z',
    );
    // 25 May itself a Monday: Victoria Day is the Monday before, 18 May 2020
    expect(new Date(ruleDate({ name: 'v', month: 5, weekday: 'mon', before: 25 }, 2020)).toISOString()).toBe(
      '2020-05-18T00:00:00.000Z',
    );
    expect(new Date(ruleDate({ name: 'e', easterOffset: 0 }, 2027)).toISOString()).toBe(
      '2027-03-28T00:00:00.000Z',
    );
  });
});

const techflow = getPolicyPack('techflow');

describe('TechFlow: calendars by plan and channel', () => {
  const deadline = (channel: 'chat' | 'phone', createdAt: string) =>
    computeDeadline(
      techflow,
      { priority: 'high', plan: 'professional', channel },
      'first-response',
      new Date(createdAt),
    )?.toISOString();

  it('a Professional chat ticket at 17:30 EST stops its clock at 18:00 (Live Chat: Mon-Fri 8AM-6PM)', () => {
    // 120 business min: 30 on Tuesday until 18:00, the other 90 from 08:00 Wednesday.
    expect(deadline('chat', '2027-01-12T17:30:00-05:00')).toBe('2027-01-13T14:30:00.000Z'); // Wed 09:30 EST
  });

  it('a Professional phone ticket at 17:30 EST runs until 20:00 (Phone: Mon-Fri 8AM-8PM)', () => {
    expect(deadline('phone', '2027-01-12T17:30:00-05:00')).toBe('2027-01-13T00:30:00.000Z'); // Tue 19:30 EST
  });
});

const acentus = getPolicyPack('acentus');

describe('Acentus: the escalation ladder by age caps every escalation', () => {
  const created = '2027-03-01T00:00:00.000Z';
  const h = (hours: number) => new Date(Date.parse(created) + hours * 3_600_000);
  const tierAt = (events: SlaInputEvent[], hours: number) =>
    computeSla(acentus, events, h(hours)).ticket.tier;
  const ticket: SlaInputEvent = {
    at: created,
    type: 'ticket-created',
    priority: 'normal',
    plan: 'enterprise',
    channel: 'email',
    status: 'open',
  };

  it('a ticket acknowledged at +1 h is at Level 3 (not 4) at +25 h and reaches Level 4 only at +72 h', () => {
    const events: SlaInputEvent[] = [
      ticket,
      { at: h(1).toISOString(), type: 'agent-reply', visibility: 'public' },
    ];
    expect(tierAt(events, 3)).toBe(1);
    expect(tierAt(events, 4)).toBe(2);
    expect(tierAt(events, 25)).toBe(3);
    expect(tierAt(events, 71.9)).toBe(3);
    expect(tierAt(events, 72)).toBe(4);
  });

  it('an unanswered Severity 3 ticket: the 2× breach at +48 h does not jump it past Level 3', () => {
    expect(tierAt([ticket], 24)).toBe(3);
    expect(tierAt([ticket], 48)).toBe(3);
    expect(tierAt([ticket], 72)).toBe(4);
  });

  it('a missed Severity 2 response: one escalation to Level 2 at 4 h (its age allows it), none at 8 h (2×)', () => {
    const sev2: SlaInputEvent = { ...ticket, priority: 'high' } as SlaInputEvent;
    const state = computeSla(acentus, [sev2], h(23));
    expect(state.ticket.tier).toBe(2);
    expect(state.actions.filter((a) => a.kind === 'escalate').map((a) => [a.rule, a.at, a.toTier])).toEqual([
      ['level-2-after-4h.enterprise', h(4).toISOString(), 2],
    ]);
  });
});

describe('capByAge in the engine', () => {
  it('caps a breach escalation on any clock: with 1×/2× on every metric, the +1 h ticket is still Level 3 at +25 h', () => {
    const anyMetric = {
      ...acentus,
      escalation: {
        ...acentus.escalation,
        triggers: acentus.escalation.triggers.map((t) =>
          'atFractionOfTarget' in t.when
            ? { ...t, when: { atFractionOfTarget: t.when.atFractionOfTarget } }
            : t,
        ),
      },
    };
    const created = '2027-03-01T00:00:00.000Z';
    const events: SlaInputEvent[] = [
      {
        at: created,
        type: 'ticket-created',
        priority: 'normal',
        plan: 'enterprise',
        channel: 'email',
        status: 'open',
      },
      { at: '2027-03-01T01:00:00.000Z', type: 'agent-reply', visibility: 'public' },
    ];
    const at25h = computeSla(anyMetric, events, new Date('2027-03-02T01:00:00.000Z'));
    expect(at25h.log.some((e) => e.type === 'breached' && e.metric === 'periodic-update')).toBe(true);
    expect(at25h.ticket.tier).toBe(3);
    expect(
      computeSla(
        { ...anyMetric, escalation: { ...anyMetric.escalation, capByAge: false } },
        events,
        new Date('2027-03-02T01:00:00.000Z'),
      ).ticket.tier,
    ).toBe(4);
  });
});

describe('RCH SpyFocus: "Critical / P1 incidents should have an on-call engineer assigned within 30 minutes"', () => {
  const rch = getPolicyPack('rch-spyfocus');
  const created = '2027-01-12T18:00:00.000Z'; // Tuesday 10:00 Pacific
  const min = (m: number) => new Date(Date.parse(created) + m * 60_000).toISOString();
  const p1: SlaInputEvent = {
    at: created,
    type: 'ticket-created',
    priority: 'urgent',
    plan: 'enterprise',
    channel: 'email',
    status: 'open',
  };
  const assignment = (s: ReturnType<typeof computeSla>) => s.metrics.find((m) => m.metric === 'assignment');

  it('answered publicly but not assigned: breaches the assignment target at +30 min', () => {
    const s = computeSla(
      rch,
      [p1, { at: min(5), type: 'agent-reply', visibility: 'public' }],
      new Date(min(31)),
    );
    expect(assignment(s)).toMatchObject({ state: 'breached', breachedAt: min(30), rule: 'p1.on-call' });
    expect(s.actions.some((a) => a.id === 'breach:assignment:1' && a.at === min(30))).toBe(true);
  });

  it('assigned at +20 min to an on-call engineer: fulfilled', () => {
    const s = computeSla(
      rch,
      [p1, { at: min(20), type: 'assigned', to: 'eng-1', onCall: true }],
      new Date(min(60)),
    );
    expect(assignment(s)).toMatchObject({ state: 'fulfilled', endedAt: min(20) });
    expect(s.actions.some((a) => a.kind === 'breach' && a.metric === 'assignment')).toBe(false);
  });

  it('assigned to a staff member who is not on call: still breaches at +30 min', () => {
    const s = computeSla(
      rch,
      [p1, { at: min(10), type: 'assigned', to: 'agent-1', onCall: false }],
      new Date(min(31)),
    );
    expect(assignment(s)).toMatchObject({ state: 'breached', breachedAt: min(30) });
  });

  it('a ticket raised to P1 later counts the assignment from creation', () => {
    const s = computeSla(
      rch,
      [
        { ...p1, priority: 'normal' } as SlaInputEvent,
        { at: min(40), type: 'priority-changed', to: 'urgent' },
      ],
      new Date(min(41)),
    );
    expect(assignment(s)).toMatchObject({ state: 'breached', breachedAt: min(40) });
  });
});

describe('POST /sla/preview shows the readings', () => {
  const agentOf = (desk: string): Principal => ({
    id: `${desk}-agent`,
    role: 'agent',
    desk,
    email: undefined,
    name: undefined,
    plan: undefined,
    tier: undefined,
  });

  it('an RCH P1 answered but assigned to no on-call engineer breaches the assignment at +30 min', () => {
    const request = PreviewRequest.parse({
      desk: 'rch-spyfocus',
      ticket: { priority: 'urgent', plan: 'enterprise', channel: 'email', createdAt: '2030-03-05T18:00:00Z' },
      events: [
        { at: '2030-03-05T18:05:00Z', type: 'agent-reply', visibility: 'public' },
        { at: '2030-03-05T18:10:00Z', type: 'assigned', to: 'rch-spyfocus-agent' },
      ],
      now: '2030-03-05T18:31:00Z',
    });
    const p = previewForCaller(agentOf('rch-spyfocus'), request);
    expect(p.metrics.find((m) => m.metric === 'assignment')).toMatchObject({
      state: 'breached',
      breachedAt: '2030-03-05T18:30:00.000Z',
    });
  });

  it('a TechFlow Professional chat ticket at 17:30 EST is due the next morning; by phone the same evening', () => {
    const due = (channel: string) =>
      previewForCaller(
        agentOf('techflow'),
        PreviewRequest.parse({
          desk: 'techflow',
          ticket: { priority: 'high', plan: 'professional', channel, createdAt: '2030-03-05T17:30:00-05:00' },
        }),
      ).metrics.find((m) => m.metric === 'first-response')?.deadline;
    expect(due('chat')).toBe('2030-03-06T14:30:00.000Z'); // Wed 09:30 EST
    expect(due('phone')).toBe('2030-03-06T00:30:00.000Z'); // Tue 19:30 EST
  });
});

describe('pack format for the readings', () => {
  it('names the field of a channel calendar that does not exist, and an assignee on a non-assignment rule', () => {
    const pack = structuredClone(techflow) as unknown as {
      plans: Array<{ channelCalendars?: Record<string, string> }>;
      targets: Array<Record<string, unknown>>;
    };
    pack.plans[1]!.channelCalendars = { chat: 'nowhere' };
    pack.targets[0]!.assignee = 'on-call';
    expect(() => parsePolicyPack(pack)).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          { path: 'plans[1].channelCalendars.chat', message: 'unknown calendar "nowhere"' },
          { path: 'targets[0].assignee', message: 'assignee is only for the assignment metric' },
        ]),
      }),
    );
  });
});
