import { describe, expect, it } from 'vitest';
import { compareQueueEntries, type QueueTicket, queueEntryOf, riskOf } from '#shared/ops/queue.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import { computeSla, type SlaMetric } from '#shared/sla/engine.ts';

const now = new Date('2031-06-02T13:20:00Z');
const metric = (over: Partial<SlaMetric>): SlaMetric => ({
  metric: 'first-response',
  cycle: 1,
  state: 'running',
  open: true,
  targetMinutes: 60,
  clock: 'calendar',
  calendar: null,
  activatedAt: '2031-06-02T13:00:00.000Z',
  deadline: '2031-06-02T14:00:00.000Z',
  warnAt: ['2031-06-02T13:45:00.000Z'],
  elapsedMinutes: 20,
  breachedAt: null,
  endedAt: null,
  rule: 'r',
  ...over,
});
const ticket = (id: string, createdAt = '2031-06-02T13:00:00.000Z'): QueueTicket => ({
  id,
  subject: id,
  status: 'open',
  priority: 'high',
  plan: 'p',
  channel: 'email',
  tier: 1,
  assignee: null,
  createdAt,
  updatedAt: createdAt,
});

describe('risk of a ticket', () => {
  it('breached beats everything and says by how much', () => {
    const r = riskOf(
      [
        metric({ state: 'breached', deadline: '2031-06-02T13:10:00.000Z', elapsedMinutes: 70 }),
        metric({ metric: 'resolution' }),
      ],
      now,
    );
    expect(r).toEqual({
      level: 'breached',
      label: 'Breached',
      reason: 'first-response target of 60 calendar min missed 10 min ago',
    });
  });
  it('at risk once the pack’s warning threshold has passed', () => {
    expect(riskOf([metric({ warnAt: ['2031-06-02T13:15:00.000Z'] })], now)).toMatchObject({
      level: 'at-risk',
      label: 'At risk',
    });
    expect(riskOf([metric({})], now).level).toBe('on-track');
  });
  it('without a warning threshold, at risk after 75 % of the target', () => {
    expect(riskOf([metric({ warnAt: [], elapsedMinutes: 44 })], now).level).toBe('on-track');
    expect(riskOf([metric({ warnAt: [], elapsedMinutes: 45 })], now).level).toBe('at-risk');
  });
  it('paused and clock-less tickets', () => {
    expect(riskOf([metric({ state: 'paused', deadline: null })], now).level).toBe('paused');
    expect(riskOf([metric({ open: false, state: 'fulfilled' })], now)).toMatchObject({
      level: 'no-clock',
      label: 'No SLA clock',
    });
  });
});

describe('queue order', () => {
  it('soonest deadline first: breaches lead, paused and clock-less last', () => {
    const state = (metrics: SlaMetric[]) => ({
      packId: 'x',
      packVersion: '1',
      ticket: {
        priority: 'high' as const,
        plan: 'p',
        channel: 'email' as const,
        status: 'open' as const,
        tier: 1,
      },
      metrics,
      log: [],
      actions: [],
      nextCheckpoint: null,
    });
    const rows = [
      queueEntryOf(ticket('later'), state([metric({ deadline: '2031-06-02T15:00:00.000Z' })]), null, now),
      queueEntryOf(ticket('none'), state([]), null, now),
      queueEntryOf(ticket('paused'), state([metric({ state: 'paused', deadline: null })]), null, now),
      queueEntryOf(
        ticket('breached'),
        state([metric({ state: 'breached', deadline: '2031-06-02T13:05:00.000Z', elapsedMinutes: 75 })]),
        null,
        now,
      ),
      queueEntryOf(ticket('soon'), state([metric({})]), null, now),
    ];
    expect(rows.sort(compareQueueEntries).map((r) => r.ticket.id)).toEqual([
      'breached',
      'soon',
      'later',
      'paused',
      'none',
    ]);
  });

  it('time left counts business minutes only (RareLogic, Friday 16:00 → Monday 08:00 Toronto)', () => {
    const pack = getPolicyPack('rarelogic');
    const created = '2031-06-06T20:00:00.000Z';
    const monday = new Date('2031-06-09T12:00:00.000Z');
    const sla = computeSla(
      pack,
      [
        {
          at: created,
          type: 'ticket-created',
          priority: 'normal',
          plan: 'standard',
          channel: 'email',
          status: 'new',
        },
      ],
      monday,
    );
    const row = queueEntryOf(ticket('t', created), sla, null, monday);
    expect(row.next).toMatchObject({
      metric: 'first-response',
      clock: 'business',
      targetMinutes: 120,
      minutesLeft: 60,
    });
    // 64 hours of wall time passed (Friday evening, the weekend); one business hour of them counts.
    expect(row.risk.level).toBe('on-track');
  });
});
