/**
 * Table-driven checks of the four shipped packs: each case quotes the policy-document line it checks.
 * Instants are written in UTC and were computed by hand.
 */
import { describe, expect, it } from 'vitest';
import { getPolicyPack, loadPolicyPacks, PACK_IDS } from '#shared/policy/packs.ts';
import { computeSla, explainDeadline, type SlaInputEvent } from '#shared/sla/engine.ts';
import type { Channel, Priority } from '#shared/tickets/model.ts';

const techflow = getPolicyPack('techflow');
const acentus = getPolicyPack('acentus');
const rch = getPolicyPack('rch-spyfocus');
const rarelogic = getPolicyPack('rarelogic');

const created = (
  at: string,
  priority: Priority,
  plan: string,
  channel: Channel = 'email',
): SlaInputEvent => ({
  at,
  type: 'ticket-created',
  priority,
  plan,
  channel,
  status: 'new',
});
const reply = (at: string): SlaInputEvent => ({ at, type: 'agent-reply', visibility: 'public' });
const action = (s: ReturnType<typeof computeSla>, id: string) => s.actions.find((a) => a.id === id);

describe('all packs', () => {
  it('load and validate, one per document', () => {
    expect([...loadPolicyPacks().keys()]).toEqual(['rch-spyfocus', 'techflow', 'acentus', 'rarelogic']);
    expect(PACK_IDS).toHaveLength(4);
  });
  it.each(PACK_IDS)('%s: every priority × plan × channel gets a first-response target', (id) => {
    const pack = getPolicyPack(id);
    for (const priority of ['urgent', 'high', 'normal', 'low'] as const) {
      for (const plan of pack.plans) {
        for (const channel of pack.channels) {
          const e = explainDeadline(
            pack,
            { priority, plan: plan.id, channel: channel.id },
            'first-response',
            new Date(),
          );
          expect(e, `${priority}/${plan.id}/${channel.id}`).not.toBeNull();
        }
      }
    }
  });
});

describe('TechFlow (001)', () => {
  const start = new Date('2026-03-06T20:00:00Z'); // Friday 15:00 EST
  const target = (priority: Priority, plan: string, channel: Channel = 'api') =>
    explainDeadline(techflow, { priority, plan, channel }, 'first-response', start)!;

  it.each([
    // "Priority 1 - Critical ... Response: 4 hours (Standard), 1 hour (Professional), 15 minutes (Enterprise)"
    ['urgent', 'standard', 240, 'calendar'],
    ['urgent', 'professional', 60, 'calendar'],
    ['urgent', 'enterprise', 15, 'calendar'],
    // "Priority 2 - High ... Response: 8 hours (Standard), 2 hours (Professional), 30 minutes (Enterprise)"
    ['high', 'standard', 480, 'business'],
    ['high', 'professional', 120, 'business'],
    ['high', 'enterprise', 30, 'calendar'],
    // "Priority 3 - Medium ... Response: 24 hours (Standard), 8 hours (Professional), 4 hours (Enterprise)"
    ['normal', 'standard', 600, 'business'],
    ['normal', 'professional', 480, 'business'],
    ['normal', 'enterprise', 240, 'calendar'],
    // "Priority 4 - Low ... Response: 48 hours (Standard), 24 hours (Professional), 8 hours (Enterprise)"
    ['low', 'standard', 1200, 'business'],
    ['low', 'professional', 720, 'business'],
    ['low', 'enterprise', 480, 'calendar'],
  ] as const)('matrix %s × %s = %d %s minutes', (priority, plan, minutes, clock) => {
    expect(target(priority, plan)).toMatchObject({ targetMinutes: minutes, clock });
  });

  it.each([
    // "Email Support: Response time: 24 hours (Standard), 4 hours (Professional), 1 hour (Enterprise)"
    ['low', 'standard', 600],
    ['normal', 'professional', 240],
    ['low', 'professional', 240],
    ['normal', 'enterprise', 60],
    ['low', 'enterprise', 60],
    ['urgent', 'enterprise', 15],
  ] as const)('email %s × %s: the stricter of matrix and email time = %d', (priority, plan, minutes) => {
    expect(target(priority, plan, 'email').targetMinutes).toBe(minutes);
  });

  it.each([
    // "Hours: Mon-Fri 8AM-6PM EST (Standard/Professional)" — Friday 15:00 EST + 8 business hours
    ['high', 'standard', '2026-03-09T17:00:00.000Z'],
    // "Hours: Mon-Fri 8AM-8PM EST (Professional)"
    ['high', 'professional', '2026-03-06T22:00:00.000Z'],
    // "24/7 (Enterprise)"
    ['high', 'enterprise', '2026-03-06T20:30:00.000Z'],
    // "On-call engineers for Priority 1": P1 runs on the calendar clock for every plan
    ['urgent', 'standard', '2026-03-07T00:00:00.000Z'],
  ] as const)('%s × %s deadline across the 2026-03-08 DST change → %s', (priority, plan, deadline) => {
    expect(target(priority, plan).deadline).toBe(deadline);
  });

  it('"Escalated after 2 hours (Priority 1)" to Level 2 and "after 4 hours" to Level 3', () => {
    const s = computeSla(
      techflow,
      [created('2026-03-06T20:00:00Z', 'urgent', 'standard')],
      new Date('2026-03-07T01:00:00Z'),
    );
    expect(action(s, 'escalate:p1-level-2-after-2h')).toMatchObject({
      at: '2026-03-06T22:00:00.000Z',
      toTier: 2,
    });
    expect(action(s, 'escalate:p1-level-3-after-4h')).toMatchObject({
      at: '2026-03-07T00:00:00.000Z',
      toTier: 3,
    });
    expect(action(s, 'notify:p1-on-call:ticket-created')?.notice?.audience).toBe('on-call');
  });

  it('"Regular updates every 4 hours (Priority 1)" after the first response', () => {
    const s = computeSla(
      techflow,
      [created('2026-03-06T20:00:00Z', 'urgent', 'enterprise'), reply('2026-03-06T20:10:00Z')],
      new Date('2026-03-06T20:10:00Z'),
    );
    expect(s.metrics.find((m) => m.metric === 'periodic-update')).toMatchObject({
      targetMinutes: 240,
      deadline: '2026-03-07T00:10:00.000Z',
    });
    const p2 = computeSla(
      techflow,
      [created('2026-03-06T20:00:00Z', 'high', 'enterprise'), reply('2026-03-06T20:10:00Z')],
      new Date('2026-03-06T21:00:00Z'),
    );
    expect(p2.metrics.some((m) => m.metric === 'periodic-update')).toBe(false);
  });

  it('"Support tickets: 2 years / Chat transcripts: 1 year / Call recordings: 90 days / Knowledge base: Indefinite"', () => {
    expect(techflow.retention?.classes.map((c) => [c.dataClass, c.days])).toEqual([
      ['support-tickets', 730],
      ['chat-transcripts', 365],
      ['call-recordings', 90],
      ['knowledge-base', null],
    ]);
  });

  it('"Available for Professional and Enterprise plans only" (phone)', () => {
    expect(techflow.channels.find((c) => c.id === 'phone')?.plans).toEqual(['professional', 'enterprise']);
  });
});

describe('Acentus (002)', () => {
  const mon = new Date('2026-03-02T10:00:00Z');
  it.each([
    // "Severity 1 (system down) — initial response in 1 hour ... Severity 2 — response in 4 hours;
    //  Severity 3 — response in 24 hours; Severity 4 — ... within 72 hours"
    ['urgent', 'enterprise', 60, '2026-03-02T11:00:00.000Z'],
    ['high', 'enterprise', 240, '2026-03-02T14:00:00.000Z'],
    ['normal', 'enterprise', 1440, '2026-03-03T10:00:00.000Z'],
    ['low', 'enterprise', 4320, '2026-03-05T10:00:00.000Z'],
    // SMB 9×5: hours in business hours, whole days as business days
    ['urgent', 'basic', 60, '2026-03-02T11:00:00.000Z'],
    ['high', 'basic', 240, '2026-03-02T14:00:00.000Z'],
    ['normal', 'basic', 480, '2026-03-03T10:00:00.000Z'],
    ['low', 'premium', 1440, '2026-03-05T10:00:00.000Z'],
  ] as const)('Severity of %s on %s = %d min → %s', (priority, plan, minutes, deadline) => {
    expect(
      explainDeadline(acentus, { priority, plan, channel: 'email' }, 'first-response', mon),
    ).toMatchObject({
      targetMinutes: minutes,
      deadline,
    });
  });

  it('"live chat answer within 30–60 seconds" → one minute', () => {
    expect(
      explainDeadline(
        acentus,
        { priority: 'low', plan: 'enterprise', channel: 'chat' },
        'first-response',
        mon,
      )?.targetMinutes,
    ).toBe(1);
  });

  it('"notify team leads when a ticket is within 10% of SLA expiry" and "auto-escalate ... 1× and 2×"', () => {
    const s = computeSla(
      acentus,
      [created('2026-03-02T10:00:00Z', 'high', 'enterprise')],
      new Date('2026-03-05T12:00:00Z'),
    );
    expect(action(s, 'notify:lead-at-90-percent:warn:first-response:0.9:1')).toMatchObject({
      at: '2026-03-02T13:36:00.000Z',
      notice: { audience: 'lead', promiseToCustomer: false },
    });
    // The missed 4-hour response and "Level 2 — Technical Specialist (4–24 hours)" fall due together:
    // one escalation to Level 2 (the age step goes first when the pack caps by age).
    expect(action(s, 'escalate:level-2-after-4h.enterprise')).toMatchObject({
      at: '2026-03-02T14:00:00.000Z',
      toTier: 2,
    });
    expect(action(s, 'escalate:breach-1x:first-response:1')).toBeUndefined();
    // 2× at +8 h would jump the ticket past "Level 2 — Technical Specialist (4–24 hours)": the
    // ladder by age caps it, and Level 3 comes at +24 h.
    expect(action(s, 'escalate:breach-2x:first-response:1')).toBeUndefined();
    expect(action(s, 'escalate:level-3-after-24h.enterprise')).toMatchObject({
      at: '2026-03-03T10:00:00.000Z',
      toTier: 3,
    });
    // "Level 4 — Executive Customer Success (72+ hours)"
    expect(action(s, 'escalate:level-4-after-72h.enterprise')).toMatchObject({
      at: '2026-03-05T10:00:00.000Z',
      toTier: 4,
    });
  });

  it('"2-hour update" and "Severity 2 — ... remediation plan within 24 hours"', () => {
    const s = computeSla(
      acentus,
      [created('2026-03-02T10:00:00Z', 'high', 'enterprise'), reply('2026-03-02T10:30:00Z')],
      new Date('2026-03-03T12:00:00Z'),
    );
    expect(action(s, 'periodic-update:1')?.at).toBe('2026-03-02T12:30:00.000Z');
    expect(action(s, 'notify:remediation-plan-reminder.enterprise')?.at).toBe('2026-03-03T04:00:00.000Z');
    expect(action(s, 'notify:remediation-plan-due.enterprise')).toMatchObject({
      at: '2026-03-03T10:00:00.000Z',
      notice: { audience: 'lead' },
    });
    const basic = computeSla(
      acentus,
      [created('2026-03-02T10:00:00Z', 'high', 'basic')],
      new Date('2026-03-04T00:00:00Z'),
    );
    expect(action(basic, 'notify:remediation-plan-due')?.at).toBe('2026-03-03T10:00:00.000Z');
  });

  it('"engineering engagement within 2–4 hours" for Severity 1', () => {
    const s = computeSla(
      acentus,
      [created('2026-03-02T10:00:00Z', 'urgent', 'premium'), reply('2026-03-02T10:20:00Z')],
      new Date('2026-03-02T12:00:00Z'),
    );
    expect(action(s, 'escalate:sev1-engineering-2h')).toMatchObject({
      at: '2026-03-02T12:00:00.000Z',
      toTier: 3,
    });
  });
});

describe('RCH SpyFocus (000)', () => {
  const fr = (at: string, priority: Priority, channel: Channel) =>
    explainDeadline(rch, { priority, plan: 'pro', channel }, 'first-response', new Date(at))!;
  it.each([
    // "initial acknowledgement within 15 minutes for chat" — Mon–Fri 08:00–20:00 local (Pacific)
    ['chat Monday 19:50 PST', '2026-03-03T03:50:00Z', 'normal', 'chat', 15, '2026-03-03T16:05:00.000Z'],
    [
      'chat Friday 19:55 PST, Monday after DST',
      '2026-03-07T03:55:00Z',
      'normal',
      'chat',
      15,
      '2026-03-09T15:10:00.000Z',
    ],
    // "within 2 hours for phone intake" — phone "staffed 09:00–18:00 PT"
    ['phone Monday 17:00 PST', '2026-03-03T01:00:00Z', 'high', 'phone', 120, '2026-03-03T18:00:00.000Z'],
    // "within 24–48 hours for email tickets"
    ['email', '2026-03-03T01:00:00Z', 'low', 'email', 1440, '2026-03-04T01:00:00.000Z'],
    // "Critical / P1 incidents should have an on-call engineer assigned within 30 minutes" is an
    // assignment target (test/unit/sla/policy-readings.test.ts); a P1 email is acknowledged as any email.
    ['P1 email at night', '2026-03-03T09:00:00Z', 'urgent', 'email', 1440, '2026-03-04T09:00:00.000Z'],
    ['P1 chat', '2026-03-03T17:00:00Z', 'urgent', 'chat', 15, '2026-03-03T17:15:00.000Z'],
  ] as const)('%s', (_name, at, priority, channel, minutes, deadline) => {
    expect(fr(at, priority, channel)).toMatchObject({ targetMinutes: minutes, deadline });
  });

  it('"progress updates every 30–60 minutes until resolution" and T1 → T2 → T3', () => {
    const s = computeSla(
      rch,
      [
        created('2026-03-03T09:00:00Z', 'urgent', 'enterprise'),
        { at: '2026-03-03T09:05:00Z', type: 'assigned', to: 'on-call-1', onCall: true },
        reply('2026-03-03T09:10:00Z'),
      ],
      new Date('2026-03-03T11:00:00Z'),
    );
    expect(action(s, 'notify:p1-page-on-call:ticket-created')?.notice?.audience).toBe('on-call');
    expect(action(s, 'periodic-update:1')?.at).toBe('2026-03-03T09:40:00.000Z');
    expect(action(s, 'escalate:breach-to-tier-2:periodic-update:1')).toMatchObject({
      toTier: 2,
      at: '2026-03-03T09:40:00.000Z',
    });
    expect(action(s, 'escalate:double-breach-to-tier-3:periodic-update:1')).toMatchObject({
      toTier: 3,
      at: '2026-03-03T10:10:00.000Z',
    });
  });

  it('"3-step appeal: 48 hours; 5 business days; 15 business days" and "DSAR ... within 30 days"', () => {
    expect(rch.billingAppeals?.stages.map((s) => [s.duration.amount, s.duration.unit])).toEqual([
      [48, 'hours'],
      [5, 'business-days'],
      [15, 'business-days'],
    ]);
    expect(rch.dsar?.due).toEqual({ amount: 30, unit: 'days' });
    expect(rch.retention?.classes.map((c) => c.days)).toEqual([90, 180]);
  });
});

describe('RareLogic (003)', () => {
  it('"no later than 2 hours after a ticket is submitted" within "Monday - Friday 9:00 - 5:00-pm EST, excluding major Canadian holidays"', () => {
    // Tuesday 2026-06-30 16:00 EDT; Canada Day (Wednesday) is closed.
    expect(
      explainDeadline(
        rarelogic,
        { priority: 'normal', plan: 'standard', channel: 'email' },
        'first-response',
        new Date('2026-06-30T20:00:00Z'),
      ),
    ).toMatchObject({ targetMinutes: 120, clock: 'business', deadline: '2026-07-02T14:00:00.000Z' });
  });

  it.each([
    // "Normal: 1-3 days" — one business day, Support Lead after three
    [
      'normal',
      '2026-06-30T14:00:00Z',
      '2026-06-30T15:00:00Z',
      '2026-07-02T15:00:00.000Z',
      '2026-07-06T15:00:00.000Z',
    ],
    // "Critical: 1-4 hours" — one business hour, Support Lead after four
    [
      'urgent',
      '2026-06-30T20:00:00Z',
      '2026-06-30T20:30:00Z',
      '2026-07-02T13:30:00.000Z',
      '2026-07-02T16:30:00.000Z',
    ],
  ] as const)('follow-up for %s after the first touch', (priority, at, touch, due, lead) => {
    const s = computeSla(
      rarelogic,
      [created(at, priority, 'standard'), reply(touch)],
      new Date('2026-07-10T00:00:00Z'),
    );
    expect(action(s, 'periodic-update:1')?.at).toBe(due);
    const escalation = s.actions.find((a) => a.kind === 'escalate');
    expect(escalation).toMatchObject({ at: lead, toTier: 2, metric: 'periodic-update' });
  });

  it('"High Priority Non-critical: within 24hrs" = one business day', () => {
    expect(
      explainDeadline(
        rarelogic,
        { priority: 'high', plan: 'high-priority', channel: 'email' },
        'periodic-update',
        new Date('2026-06-30T14:00:00Z'),
      )?.deadline,
    ).toBe('2026-07-02T14:00:00.000Z');
  });

  it('"Support does not guarantee response times": no notice promises a time; breaches go to staff only', () => {
    expect(rarelogic.notices.every((n) => !n.promiseToCustomer)).toBe(true);
    const s = computeSla(
      rarelogic,
      [created('2026-06-30T14:00:00Z', 'urgent', 'standard')],
      new Date('2026-07-10T00:00:00Z'),
    );
    const notices = s.actions.filter((a) => a.notice);
    expect(notices.some((a) => a.id.startsWith('notify:breach'))).toBe(true);
    expect(notices.filter((a) => a.notice?.audience === 'customer').map((a) => a.id)).toEqual([
      'notify:acknowledgement:ticket-created',
    ]);
    expect(notices.every((a) => a.notice?.promiseToCustomer === false)).toBe(true);
  });

  it('"There are no refunds for services rendered"', () => {
    expect(rarelogic.refunds).toEqual({
      allowed: false,
      windows: [],
      source: 'There are no refunds for services rendered',
    });
  });
});
