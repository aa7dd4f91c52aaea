import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSla, type SlaInputEvent, type SlaState } from '#shared/sla/engine.ts';
import { fixturePack } from './fixture-pack.ts';

// Fixture: UTC, office Mon-Fri 09:00-17:00; first response 480 (urgent 60), next response 240,
// periodic update 120, resolution 2400 business minutes; warnings at 0.5 and 0.9; escalation at 1x and 2x;
// pending pauses resolution and periodic updates. 2026-03-02 is a Monday.
const pack = fixturePack();
const MON = '2026-03-02';
const TUE = '2026-03-03';
const created = (
  at = `${MON}T09:00:00Z`,
  priority: 'urgent' | 'normal' = 'normal',
  plan = 'basic',
): SlaInputEvent => ({
  at,
  type: 'ticket-created',
  priority,
  plan,
  channel: 'email',
  status: 'new',
});
const reply = (at: string, visibility: 'public' | 'internal' = 'public'): SlaInputEvent => ({
  at,
  type: 'agent-reply',
  visibility,
});
const status = (at: string, to: 'open' | 'pending' | 'solved' | 'closed' | 'on-hold'): SlaInputEvent => ({
  at,
  type: 'status-changed',
  to,
});
const customer = (at: string): SlaInputEvent => ({ at, type: 'customer-message' });
const run = (events: SlaInputEvent[], now: string) => computeSla(pack, events, new Date(now));
const metric = (s: SlaState, name: string, cycle = 1) => {
  const m = s.metrics.find((x) => x.metric === name && x.cycle === cycle);
  if (!m)
    throw new Error(`no ${name} #${cycle} in ${JSON.stringify(s.metrics.map((x) => [x.metric, x.cycle]))}`);
  return m;
};
const ids = (s: SlaState) => s.actions.map((a) => a.id);

describe('first response', () => {
  it('an internal note does not fulfil first response; a public reply does', () => {
    const s1 = run([created(), reply(`${MON}T10:00:00Z`, 'internal')], `${MON}T10:30:00Z`);
    expect(metric(s1, 'first-response')).toMatchObject({ state: 'running', elapsedMinutes: 90 });
    const s2 = run(
      [created(), reply(`${MON}T10:00:00Z`, 'internal'), reply(`${MON}T11:00:00Z`)],
      `${MON}T11:30:00Z`,
    );
    expect(metric(s2, 'first-response')).toMatchObject({
      state: 'fulfilled',
      endedAt: `${MON}T11:00:00.000Z`,
    });
    expect(metric(s2, 'periodic-update')).toMatchObject({
      state: 'running',
      deadline: `${MON}T13:00:00.000Z`,
    });
  });

  it('a reply exactly at the deadline meets the target', () => {
    const s = run([created(`${MON}T09:00:00Z`, 'urgent'), reply(`${MON}T10:00:00Z`)], `${MON}T12:00:00Z`);
    expect(metric(s, 'first-response').state).toBe('fulfilled');
    expect(ids(s)).not.toContain('breach:first-response:1');
  });
});

describe('pausing keeps elapsed time', () => {
  const events = [
    created(),
    reply(`${MON}T09:30:00Z`),
    status(`${MON}T10:00:00Z`, 'pending'),
    status(`${TUE}T09:00:00Z`, 'open'),
  ];
  it('resolution resumes with the minutes it had used', () => {
    const paused = run(events.slice(0, 3), `${MON}T15:00:00Z`);
    expect(metric(paused, 'resolution')).toMatchObject({
      state: 'paused',
      deadline: null,
      elapsedMinutes: 60,
    });
    const s = run(events, `${TUE}T09:00:00Z`);
    // Without the pause: Mon 09:00 + 2400 business min = Fri 17:00. The pause took Mon 10:00-17:00 (7 h).
    expect(metric(s, 'resolution')).toMatchObject({
      state: 'running',
      deadline: '2026-03-09T16:00:00.000Z',
      elapsedMinutes: 60,
    });
    expect(metric(s, 'periodic-update')).toMatchObject({
      deadline: `${TUE}T10:30:00.000Z`,
      elapsedMinutes: 30,
    });
    expect(s.log.filter((l) => l.type === 'paused').map((l) => l.metric)).toEqual([
      'resolution',
      'periodic-update',
    ]);
    expect(s.log.filter((l) => l.type === 'resumed')).toHaveLength(2);
  });
  it('a customer message on a pending ticket resumes the clocks', () => {
    const s = run([...events.slice(0, 3), customer(`${MON}T16:00:00Z`)], `${MON}T16:00:00Z`);
    expect(s.ticket.status).toBe('open');
    expect(metric(s, 'resolution').state).toBe('running');
    expect(metric(s, 'next-response')).toMatchObject({ state: 'running', deadline: `${TUE}T12:00:00.000Z` });
  });
  it('on-hold (third party) does not pause in this pack', () => {
    const s = run([created(), status(`${MON}T10:00:00Z`, 'on-hold')], `${MON}T12:00:00Z`);
    expect(metric(s, 'resolution').state).toBe('running');
  });
});

describe('priority and plan changes recompute open deadlines from elapsed time', () => {
  it('a raise past the new target breaches at the change instant (warnings skipped)', () => {
    const s = run(
      [created(), { at: `${MON}T11:00:00Z`, type: 'priority-changed', to: 'urgent' }],
      `${MON}T11:00:00Z`,
    );
    expect(metric(s, 'first-response')).toMatchObject({
      state: 'breached',
      breachedAt: `${MON}T11:00:00.000Z`,
      targetMinutes: 60,
    });
    expect(
      s.actions.filter((a) => a.metric === 'first-response').map((a) => [a.id, a.at, a.toTier ?? null]),
    ).toEqual([
      ['breach:first-response:1', `${MON}T11:00:00.000Z`, null],
      ['notify:breach:breach:first-response:1', `${MON}T11:00:00.000Z`, null],
      ['escalate:x1:first-response:1', `${MON}T11:00:00.000Z`, 2],
      ['notify:x1.lead:escalate:x1:first-response:1', `${MON}T11:00:00.000Z`, null],
      ['escalate:x2:first-response:1', `${MON}T11:00:00.000Z`, 3],
      ['notify:x2.manager:escalate:x2:first-response:1', `${MON}T11:00:00.000Z`, null],
    ]);
    expect(s.ticket.tier).toBe(3);
    const recalculated = s.log.find((l) => l.type === 'recalculated');
    expect(recalculated).toMatchObject({ rule: 'fr.urgent', packVersion: '7', metric: 'first-response' });
    expect(recalculated?.detail).toContain('elapsed 120 min kept');
  });

  it('a lowered priority extends the deadline, keeping elapsed time', () => {
    const s = run(
      [
        created(`${MON}T09:00:00Z`, 'urgent'),
        { at: `${MON}T09:30:00Z`, type: 'priority-changed', to: 'normal' },
      ],
      `${MON}T09:30:00Z`,
    );
    expect(metric(s, 'first-response')).toMatchObject({
      state: 'running',
      deadline: `${MON}T17:00:00.000Z`,
      targetMinutes: 480,
    });
  });

  it('a plan change to a 24/7 plan keeps the business minutes already used', () => {
    const s = run(
      [created('2026-03-06T16:00:00Z'), { at: '2026-03-06T17:30:00Z', type: 'plan-changed', to: 'vip' }],
      '2026-03-06T17:30:00Z',
    );
    // 60 business minutes used on Friday (16:00-17:00); 420 minutes left on the 24/7 calendar.
    expect(metric(s, 'first-response')).toMatchObject({
      deadline: '2026-03-07T00:30:00.000Z',
      elapsedMinutes: 60,
    });
  });
});

describe('solve, reopen and close', () => {
  it('an agent update after solved does not count; reopening restarts resolution and next response, not first response', () => {
    const events = [
      created(),
      status(`${MON}T10:00:00Z`, 'solved'),
      reply(`${MON}T10:30:00Z`),
      customer(`${TUE}T09:00:00Z`),
    ];
    const s = run(events, `${TUE}T09:00:00Z`);
    expect(s.metrics.filter((m) => m.metric === 'first-response')).toHaveLength(1);
    expect(metric(s, 'first-response').state).toBe('cancelled');
    expect(metric(s, 'resolution', 1)).toMatchObject({ state: 'fulfilled', endedAt: `${MON}T10:00:00.000Z` });
    expect(metric(s, 'resolution', 2)).toMatchObject({
      state: 'running',
      activatedAt: `${TUE}T09:00:00.000Z`,
    });
    expect(metric(s, 'next-response')).toMatchObject({ state: 'running', deadline: `${TUE}T13:00:00.000Z` });
    expect(s.metrics.some((m) => m.metric === 'periodic-update')).toBe(false);
    expect(s.ticket.status).toBe('open');
  });

  it('reopening by status restarts periodic updates too', () => {
    const events = [
      created(),
      reply(`${MON}T09:10:00Z`),
      status(`${MON}T09:20:00Z`, 'solved'),
      status(`${MON}T10:00:00Z`, 'open'),
    ];
    const s = run(events, `${MON}T10:00:00Z`);
    expect(metric(s, 'first-response').state).toBe('fulfilled');
    expect(metric(s, 'periodic-update', 2)).toMatchObject({
      state: 'running',
      activatedAt: `${MON}T10:00:00.000Z`,
    });
    expect(metric(s, 'resolution', 2).state).toBe('running');
    expect(metric(s, 'next-response').state).toBe('running');
  });

  it('closed ends everything: nothing falls due afterwards', () => {
    const events = [created(), status(`${MON}T10:00:00Z`, 'closed'), customer(`${MON}T11:00:00Z`)];
    const s = run(events, '2026-04-01T00:00:00Z');
    expect(s.nextCheckpoint).toBeNull();
    expect(s.metrics.every((m) => !m.open)).toBe(true);
    expect(s.actions.map((a) => a.kind)).toEqual(['notify']);
  });
});

describe('next response', () => {
  it('starts at the first unanswered customer message after a public reply', () => {
    const events = [
      created(),
      customer(`${MON}T09:05:00Z`),
      reply(`${MON}T09:30:00Z`),
      customer(`${MON}T10:00:00Z`),
      customer(`${MON}T11:00:00Z`),
    ];
    const s = run(events, `${MON}T11:00:00Z`);
    expect(s.metrics.filter((m) => m.metric === 'next-response')).toHaveLength(1);
    expect(metric(s, 'next-response')).toMatchObject({
      activatedAt: `${MON}T10:00:00.000Z`,
      deadline: `${MON}T14:00:00.000Z`,
    });
    const s2 = run([...events, reply(`${MON}T12:00:00Z`), customer(`${MON}T13:00:00Z`)], `${MON}T13:00:00Z`);
    expect(metric(s2, 'next-response', 1).state).toBe('fulfilled');
    expect(metric(s2, 'next-response', 2).state).toBe('running');
  });
});

describe('warnings, actions and checkpoints', () => {
  it('warns at each threshold; the lead notice is only for 90 %', () => {
    const s = run([created()], `${MON}T16:50:00Z`);
    expect(ids(s)).toEqual([
      'notify:ack:ticket-created',
      'warn:first-response:0.5:1',
      'warn:first-response:0.9:1',
      'notify:warn-lead:warn:first-response:0.9:1',
    ]);
    expect(s.actions[1]?.at).toBe(`${MON}T13:00:00.000Z`);
    expect(s.actions[2]?.at).toBe(`${MON}T16:12:00.000Z`);
    expect(metric(s, 'first-response').warnAt).toEqual([`${MON}T13:00:00.000Z`, `${MON}T16:12:00.000Z`]);
  });

  it('nextCheckpoint is the instant of the next action, and ids are stable across recomputation', () => {
    const events = [created(), reply(`${MON}T09:30:00Z`), customer(`${MON}T10:00:00Z`)];
    let now = `${MON}T10:00:00Z`;
    let previous = run(events, now);
    for (let i = 0; i < 12 && previous.nextCheckpoint; i++) {
      now = previous.nextCheckpoint;
      const next = run(events, now);
      expect(ids(next).slice(0, previous.actions.length)).toEqual(ids(previous));
      const fresh = next.actions.slice(previous.actions.length);
      expect(fresh.length).toBeGreaterThan(0);
      expect(fresh.every((a) => a.at === now.replace('Z', '.000Z') || a.at === now)).toBe(true);
      previous = next;
    }
  });

  it('the log is in time order and every entry names its rule and pack version', () => {
    const s = run(
      [created(), reply(`${MON}T09:30:00Z`), status(`${MON}T10:00:00Z`, 'pending')],
      `${TUE}T17:00:00Z`,
    );
    const times = s.log.map((l) => l.at);
    expect([...times].sort()).toEqual(times);
    expect(s.log.every((l) => l.rule.length > 0 && l.packVersion === '7')).toBe(true);
    expect(s.packVersion).toBe('7');
  });

  it('input order and UTC offsets of the event times do not matter', () => {
    const a = [
      created('2026-03-06T15:00:00Z'),
      reply('2026-03-06T16:00:00Z'),
      customer('2026-03-09T10:00:00Z'),
    ];
    const b = [
      customer('2026-03-09T05:00:00-05:00'),
      reply('2026-03-06T11:00:00-05:00'),
      created('2026-03-06T16:00:00+01:00'),
    ];
    expect(run(b, '2026-03-10T12:00:00Z')).toEqual(run(a, '2026-03-10T12:00:00Z'));
  });

  it('rejects histories that do not start with ticket-created', () => {
    expect(() => run([reply(`${MON}T09:00:00Z`), created()], `${MON}T10:00:00Z`)).toThrow(/ticket-created/);
  });
});

describe('properties (fast-check)', () => {
  const base = Date.parse(`${MON}T09:00:00Z`);
  const iso = (ms: number) => new Date(ms).toISOString();
  const noPause = metric(run([created()], `${MON}T09:00:00Z`), 'resolution').deadline!;

  it('pausing never shortens a deadline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 * 1440 }),
        fc.integer({ min: 1, max: 3 * 1440 }),
        (start, length) => {
          const p = base + start * 60_000;
          const r = p + length * 60_000;
          const s = run([created(), status(iso(p), 'pending'), status(iso(r), 'open')], iso(r));
          const res = metric(s, 'resolution');
          if (res.state === 'breached') return;
          expect(Date.parse(res.deadline!)).toBeGreaterThanOrEqual(Date.parse(noPause));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a larger target never gives an earlier deadline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (m, extra, startMin) => {
          const at = iso(base + startMin * 60_000);
          const deadline = (minutes: number) => {
            const p = fixturePack({
              targets: [{ id: 'res', metric: 'resolution', minutes, clock: 'business' }],
            });
            return Date.parse(metric(computeSla(p, [created(at)], new Date(at)), 'resolution').deadline!);
          };
          expect(deadline(m)).toBeLessThanOrEqual(deadline(m + extra));
        },
      ),
      { numRuns: 30 },
    );
  });
});
