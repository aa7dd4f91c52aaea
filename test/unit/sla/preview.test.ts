import { describe, expect, it } from 'vitest';
import { getPolicyPack } from '#shared/policy/packs.ts';
import { previewSla, replayAttainment } from '#shared/sla/preview.ts';

const techflow = getPolicyPack('techflow');

describe('previewSla', () => {
  it('times a hypothetical ticket and lists what happens next if nothing else does', () => {
    const p = previewSla({
      pack: techflow,
      ticket: {
        priority: 'urgent',
        plan: 'enterprise',
        channel: 'email',
        createdAt: '2026-03-06T15:00:00-05:00',
      },
    });
    expect(p.now).toBe('2026-03-06T20:00:00.000Z');
    expect(p.metrics[0]).toMatchObject({ metric: 'first-response', deadline: '2026-03-06T20:15:00.000Z' });
    expect(p.upcoming.map((a) => [a.kind, a.at])).toEqual([
      ['warn', '2026-03-06T20:11:15.000Z'],
      ['notify', '2026-03-06T20:11:15.000Z'],
      ['breach', '2026-03-06T20:15:00.000Z'],
      ['notify', '2026-03-06T20:15:00.000Z'],
      ['escalate', '2026-03-06T22:00:00.000Z'],
      ['notify', '2026-03-06T22:00:00.000Z'],
      ['escalate', '2026-03-07T00:00:00.000Z'],
      ['notify', '2026-03-07T00:00:00.000Z'],
      ['notify', '2026-03-07T00:00:00.000Z'],
    ]);
  });

  it('takes events and rejects a second ticket-created', () => {
    const ticket = {
      priority: 'high',
      plan: 'standard',
      channel: 'chat',
      createdAt: '2026-03-06T20:00:00Z',
    } as const;
    const p = previewSla({
      pack: techflow,
      ticket,
      events: [{ at: '2026-03-06T20:05:00Z', type: 'agent-reply', visibility: 'public' }],
    });
    expect(p.metrics[0]?.state).toBe('fulfilled');
    expect(() =>
      previewSla({
        pack: techflow,
        ticket,
        events: [
          {
            at: '2026-03-06T20:05:00Z',
            type: 'ticket-created',
            priority: 'low',
            plan: 'standard',
            channel: 'chat',
            status: 'new',
          },
        ],
      }),
    ).toThrow(/ticket-created/);
  });
});

describe('replayAttainment', () => {
  it('counts met, breached and open clocks per metric × priority', () => {
    const createdAt = '2026-03-06T20:00:00Z';
    const mk = (replyAt: string | null) => ({
      events: [
        {
          at: createdAt,
          type: 'ticket-created' as const,
          priority: 'urgent' as const,
          plan: 'enterprise',
          channel: 'api' as const,
          status: 'new' as const,
        },
        ...(replyAt ? [{ at: replyAt, type: 'agent-reply' as const, visibility: 'public' as const }] : []),
      ],
      now: '2026-03-06T21:00:00Z',
    });
    const r = replayAttainment(techflow, [
      mk('2026-03-06T20:10:00Z'),
      mk('2026-03-06T20:30:00Z'),
      mk(null),
      { events: [] } as never,
    ]);
    expect(r.tickets).toBe(3);
    expect(r.rejected).toHaveLength(1);
    expect(r.byMetric['first-response']).toMatchObject({ measured: 3, met: 1, breached: 2 });
    expect(r.byMetric['first-response'].byPriority.urgent.attainment).toBeCloseTo(1 / 3);
    expect(r.byMetric['periodic-update']).toMatchObject({ measured: 0, open: 2, attainment: null });
  });
});
