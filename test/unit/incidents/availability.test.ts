import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import {
  type AvailabilityEvent,
  availabilityOf,
  creditPercentFor,
  deskAvailability,
  monthWindow,
  previousMonth,
} from '#shared/incidents/availability.ts';
import { openIncident, updateIncident } from '#shared/incidents/commands.ts';
import { accountsFromTickets, monthlyCredits } from '#shared/incidents/credits.ts';
import { monthToDate, statusJson } from '#shared/incidents/feed.ts';
import type { Incident } from '#shared/incidents/model.ts';
import { reviewPolicyOf } from '#shared/incidents/review-policy.ts';
import { findPolicyPack } from '#shared/policy/packs.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const outage = (start: string, end: string, weight = 1, components: string[] = []): AvailabilityEvent => ({
  kind: 'outage',
  components,
  weight,
  start: at(start),
  end: at(end),
});
const maintenance = (start: string, end: string, components: string[] = []): AvailabilityEvent => ({
  kind: 'maintenance',
  components,
  weight: 0,
  start: at(start),
  end: at(end),
});
const JUNE = monthWindow('2031-06');
const JUNE_MINUTES = 30 * 24 * 60;

describe('availability over a month', () => {
  it('months are UTC calendar months: March has 31 × 24 h even across the US and EU clock changes', () => {
    const march = monthWindow('2031-03');
    expect((march.end - march.start) / MIN).toBe(31 * 24 * 60);
    expect(new Date(march.start).toISOString()).toBe('2031-03-01T00:00:00.000Z');
    expect(previousMonth('2031-01')).toBe('2030-12');
    expect(() => monthWindow('2031-13')).toThrow();
  });

  it('counts overlapping incidents once, at the highest weight', () => {
    const figures = availabilityOf(
      ['api'],
      [
        outage('2031-06-10T10:00:00Z', '2031-06-10T11:00:00Z'),
        outage('2031-06-10T10:30:00Z', '2031-06-10T11:30:00Z'),
        // A partial outage inside the full one adds nothing; its own 30 minutes after it count at 0.3.
        outage('2031-06-10T11:00:00Z', '2031-06-10T12:00:00Z', 0.3),
      ],
      JUNE,
    );
    expect(figures.downtimeMinutes).toBeCloseTo(90 + 30 * 0.3, 9);
    expect(figures.eligibleMinutes).toBe(JUNE_MINUTES);
    expect(figures.availabilityPercent).toBeCloseTo(100 * (1 - 99 / JUNE_MINUTES), 9);
  });

  it('clips incidents to the month: only the part inside the window counts', () => {
    const figures = availabilityOf(
      ['api'],
      [
        outage('2031-05-31T23:00:00Z', '2031-06-01T01:00:00Z'),
        outage('2031-06-30T23:30:00Z', '2031-07-01T02:00:00Z'),
      ],
      JUNE,
    );
    expect(figures.downtimeMinutes).toBe(60 + 30);
  });

  it('excludes maintenance windows: no downtime inside, and out of the denominator when the whole plan is in it', () => {
    const figures = availabilityOf(
      ['api', 'app'],
      [
        maintenance('2031-06-05T02:00:00Z', '2031-06-05T04:00:00Z'),
        outage('2031-06-05T03:00:00Z', '2031-06-05T05:00:00Z'),
      ],
      JUNE,
    );
    expect(figures.eligibleMinutes).toBe(JUNE_MINUTES - 120);
    expect(figures.downtimeMinutes).toBe(60); // 04:00–05:00, after the window
  });

  it('maintenance of one component does not hide an outage of another', () => {
    const figures = availabilityOf(
      ['api', 'app'],
      [
        maintenance('2031-06-05T02:00:00Z', '2031-06-05T04:00:00Z', ['api']),
        outage('2031-06-05T02:00:00Z', '2031-06-05T03:00:00Z', 1, ['app']),
        // Its own component is in maintenance: not counted.
        outage('2031-06-05T03:00:00Z', '2031-06-05T04:00:00Z', 1, ['api']),
      ],
      JUNE,
    );
    expect(figures.eligibleMinutes).toBe(JUNE_MINUTES);
    expect(figures.downtimeMinutes).toBe(60);
  });

  it('an incident on another component does not touch this one; none named touches every component', () => {
    const events = [
      outage('2031-06-05T02:00:00Z', '2031-06-05T03:00:00Z', 1, ['integrations']),
      outage('2031-06-06T02:00:00Z', '2031-06-06T02:10:00Z'),
    ];
    expect(availabilityOf(['api'], events, JUNE).downtimeMinutes).toBe(10);
    expect(availabilityOf(['integrations'], events, JUNE).downtimeMinutes).toBe(70);
  });
});

describe('credits', () => {
  const techflow = findPolicyPack('techflow')!.availability!;
  const plan = (id: string) => techflow.plans.find((p) => p.plan === id)!;

  it('reads the credit schedule: nothing at the target, the deepest tier fallen below', () => {
    expect(creditPercentFor(99.5, plan('standard'))).toBe(0);
    expect(creditPercentFor(99.49, plan('standard'))).toBe(10);
    expect(creditPercentFor(98.9, plan('standard'))).toBe(25);
    expect(creditPercentFor(90, plan('standard'))).toBe(50);
    expect(creditPercentFor(99.995, plan('enterprise'))).toBe(0);
    expect(creditPercentFor(99.98, plan('enterprise'))).toBe(10);
  });

  const ops: Principal = {
    id: 'ops-1',
    role: 'ops',
    desk: 'techflow',
    email: undefined,
    name: undefined,
    plan: undefined,
    tier: undefined,
  };
  const open = (body: Parameters<typeof openIncident>[0]['body'], now: string, id: string) =>
    openIncident({
      principal: ops,
      body,
      id,
      now: new Date(now),
      policy: reviewPolicyOf('techflow'),
      components: techflow.components.map((c) => c.id),
    });
  const resolve = (incident: Incident, now: string) =>
    updateIncident({
      principal: ops,
      incident,
      patch: { status: 'resolved', message: 'Fixed.' },
      now: new Date(now),
      policy: reviewPolicyOf('techflow'),
    });

  it('a 50-minute critical outage in June: Enterprise and Professional accounts get credits, Standard does not', () => {
    const down = resolve(
      open(
        {
          title: 'API down',
          impact: 'critical',
          status: 'investigating',
          message: 'Down.',
          components: ['api'],
        },
        '2031-06-10T10:00:00Z',
        '01JAAAAAAAAAAAAAAAAAAAAAA1',
      ),
      '2031-06-10T10:50:00Z',
    );
    const security = open(
      { title: 'Leak', impact: 'critical', status: 'investigating', message: 'x', category: 'security' },
      '2031-06-11T10:00:00Z',
      '01JAAAAAAAAAAAAAAAAAAAAAA2',
    );
    const { report, credits } = monthlyCredits({
      desk: 'techflow',
      month: '2031-06',
      incidents: [down, security],
      policy: techflow,
      accounts: accountsFromTickets([
        { email: 'a@example.com', plan: 'standard', createdAt: '2031-06-01T00:00:00Z' },
        { email: 'a@example.com', plan: 'enterprise', createdAt: '2031-06-02T00:00:00Z' },
        { email: 'b@example.com', plan: 'professional', createdAt: '2031-06-03T00:00:00Z' },
        { email: 'c@example.com', plan: 'standard', createdAt: '2031-06-03T00:00:00Z' },
      ]),
      now: new Date('2031-07-01T00:30:00Z'),
    });
    // 50 / 43,200 minutes down = 99.8843 %: Standard meets 99.5; Professional falls below its target
    // (10 %); Enterprise below 99.99 and 99.9 (25 %).
    expect(report.plans.map((p) => [p.plan, p.availabilityPercent, p.creditPercent])).toEqual([
      ['standard', 99.8843, 0],
      ['professional', 99.8843, 10],
      ['enterprise', 99.8843, 25],
    ]);
    expect(credits.map((c) => [c.account, c.plan, c.creditPercent])).toEqual([
      ['a@example.com', 'enterprise', 25],
      ['b@example.com', 'professional', 10],
    ]);
    expect(() =>
      monthlyCredits({
        desk: 'techflow',
        month: '2031-07',
        incidents: [],
        policy: techflow,
        accounts: [],
        now: new Date('2031-07-15T00:00:00Z'),
      }),
    ).toThrow(/not closed/);
  });

  it('maintenance must be announced before it starts; an unknown component is refused at its index', () => {
    expect(() =>
      open(
        {
          title: 'Upgrade',
          impact: 'none',
          status: 'identified',
          message: 'x',
          category: 'maintenance',
          window: { startsAt: '2031-06-10T09:00:00Z', endsAt: '2031-06-10T11:00:00Z' },
        },
        '2031-06-10T10:00:00Z',
        '01JAAAAAAAAAAAAAAAAAAAAAA3',
      ),
    ).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ pointer: '/window/startsAt' })] }),
    );
    expect(() =>
      open(
        {
          title: 'x',
          impact: 'minor',
          status: 'investigating',
          message: 'x',
          components: ['api', 'billing'],
        },
        '2031-06-10T10:00:00Z',
        '01JAAAAAAAAAAAAAAAAAAAAAA4',
      ),
    ).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ pointer: '/components/1' })] }));
  });

  it('the status feed shows the month so far and never a security incident', () => {
    const now = new Date('2031-06-10T12:00:00Z');
    const ongoing = open(
      {
        title: 'Slow API',
        impact: 'major',
        status: 'investigating',
        message: 'x',
        startedAt: '2031-06-10T11:00:00Z',
      },
      '2031-06-10T11:30:00Z',
      '01JAAAAAAAAAAAAAAAAAAAAAA5',
    );
    const security = open(
      { title: 'Leak', impact: 'critical', status: 'investigating', message: 'x', category: 'security' },
      '2031-06-10T11:40:00Z',
      '01JAAAAAAAAAAAAAAAAAAAAAA6',
    );
    const feed = statusJson([ongoing, security], {
      desk: 'techflow',
      name: 'TechFlow',
      baseUrl: 'https://x.example',
      now,
      availability: techflow,
    });
    expect(feed.incidents.map((i) => i.id)).toEqual([ongoing.id]);
    expect(feed.status.openIncidents).toBe(1);
    // 60 minutes at 0.3 (a partial outage) over 9.5 days.
    const expected = 100 * (1 - 18 / (9.5 * 24 * 60));
    expect(feed.availability?.plans[0]?.availabilityPercent).toBeCloseTo(expected, 4);
    expect(monthToDate([], techflow, now).plans.every((p) => p.availabilityPercent === 100)).toBe(true);
    expect(deskAvailability([], techflow, JUNE, now).components).toHaveLength(3);
  });
});
