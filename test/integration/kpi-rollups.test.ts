import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillKpiRollups } from '#shared/kpis/backfill.ts';
import type { KpiTicket } from '#shared/kpis/metrics.ts';
import { kpiRecorder } from '#shared/kpis/recorder.ts';
import { buildKpiReport, windowDays } from '#shared/kpis/report.ts';
import { type Counters, rollUp, sumCounters, ticketContribution } from '#shared/kpis/rollups.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import { dynamoKpiBackfillSource } from '#shared/store/kpi-backfill-source.ts';
import { dynamoKpiRollupStore } from '#shared/store/kpi-rollup-store.ts';
import { dynamoSurveyStore } from '#shared/store/survey-store.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import type { TicketActivity } from '#shared/tickets/activity.ts';
import { CreateTicketBody, openTicket } from '#shared/tickets/commands.ts';
import { deskDefaultsFor } from '#shared/tickets/desk-policy.ts';
import { startDynalite } from '../support/dynalite.ts';

let db: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());

const pack = getPolicyPack('acentus');
const now = new Date('2031-03-31T12:00:00Z');
const minutes = (n: number) => n * 60_000;

/** A ticket created `daysAgo` days before `now`, answered after `reply` minutes, then maybe solved. */
function ticket(
  id: string,
  daysAgo: number,
  reply: number,
  solved: boolean,
): KpiTicket & { version: number } {
  const created = now.getTime() - daysAgo * 86_400_000;
  const at = (m: number) => new Date(created + minutes(m)).toISOString();
  const activity: TicketActivity[] = [
    {
      at: at(0),
      by: 'c',
      type: 'ticket-created',
      priority: 'normal',
      plan: 'basic',
      channel: 'email',
      status: 'new',
    },
    { at: at(reply), by: 'a', type: 'agent-reply', visibility: 'public', messageId: `${id}r` },
    { at: at(reply), by: 'a', type: 'status-changed', from: 'new', to: 'open' },
  ];
  if (solved)
    activity.push({ at: at(reply + 60), by: 'a', type: 'status-changed', from: 'open', to: 'solved' });
  return {
    id,
    createdAt: at(0),
    priority: 'normal',
    status: solved ? 'solved' : 'open',
    activity,
    version: activity.length,
  };
}

/** A document client that fails every call after the first `n`: a Lambda dying mid-way. */
function failingAfter(doc: DynamoDBDocumentClient, n: number): DynamoDBDocumentClient {
  let calls = 0;
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        calls += 1;
        if (calls > n) return Promise.reject(new Error('crashed'));
        return target.send(command as never);
      };
    },
  });
}

const withoutZeros = (c: Counters) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0));

describe('KPI roll-ups in DynamoDB', () => {
  it('count each ticket once: retries, replays of an old version and concurrent writers add nothing twice', async () => {
    const store = dynamoKpiRollupStore(db.doc, db.tableName);
    const recorder = kpiRecorder(store);
    const desk = 'acentus';
    const tickets = Array.from({ length: 24 }, (_, i) => ticket(`T${i}`, 1 + (i % 3), 10 + i, i % 2 === 0));
    // Each ticket is first recorded open, then in its final state; both twice, concurrently, in any order.
    const open = (t: KpiTicket & { version: number }) => ({
      ...t,
      status: 'open' as const,
      activity: t.activity.slice(0, 3),
      version: 3,
    });
    await Promise.all(
      tickets.flatMap((t) => [
        recorder.ticketChanged({ ...open(t), desk }, open(t).activity, now),
        recorder.ticketChanged({ ...t, desk }, t.activity, now),
        recorder.ticketChanged({ ...t, desk }, t.activity, now),
        recorder.ticketChanged({ ...open(t), desk }, open(t).activity, now),
      ]),
    );
    const labels = windowDays('30d', now, pack.timeZone);
    const read = await store.readDays(desk, labels[0]!, labels.at(-1)!);
    const expected = rollUp(pack, tickets, [], now);
    for (const [day, counters] of expected) expect(withoutZeros(read.days.get(day) ?? {})).toEqual(counters);
    expect(read.itemsRead).toBe(3);
    const report = buildKpiReport({
      desk,
      pack,
      now,
      period: '30d',
      trend: 'daily',
      days: read.days,
      backlog: [],
    });
    expect(report.population.tickets).toBe(24);
    expect(report.kpis.find((k) => k.kpi === 'reopenRate')?.basis).toBe(12);
  });

  it('a writer that dies between steps is finished by the next one, counting exactly once', async () => {
    const desk = 'rch-spyfocus';
    const t = ticket('CRASH', 2, 30, true);
    const contribution = ticketContribution(getPolicyPack(desk), t, now);
    // Every crash point: after 2 calls (pending written), 3 (day added), 4 (pending cleared).
    for (const [i, crashAfter] of [2, 3, 4].entries()) {
      const source = `ticket#crash-${i}`;
      const dying = dynamoKpiRollupStore(failingAfter(db.doc, crashAfter), db.tableName);
      await expect(
        dying.applyContribution(desk, source, { version: 1, asOf: 'a' }, contribution),
      ).rejects.toThrow('crashed');
      const healthy = dynamoKpiRollupStore(db.doc, db.tableName);
      // The retry of the same change, then an older one: the first finishes it, the second changes nothing.
      expect(await healthy.applyContribution(desk, source, { version: 1, asOf: 'a' }, contribution)).toBe(
        'stale',
      );
      expect(await healthy.applyContribution(desk, source, { version: 0, asOf: 'z' }, contribution)).toBe(
        'stale',
      );
    }
    const { days } = await dynamoKpiRollupStore(db.doc, db.tableName).readDays(
      desk,
      '2031-01-01',
      '2031-12-31',
    );
    const thrice = sumCounters([contribution.counters, contribution.counters, contribution.counters]);
    expect(withoutZeros(days.get(contribution.day)!)).toEqual(thrice);
  });

  it('a 30-day report over 25,000 tickets reads 31 items and is not truncated', async () => {
    const store = dynamoKpiRollupStore(db.doc, db.tableName);
    const desk = 'techflow';
    const tf = getPolicyPack(desk);
    // Roll-ups of 25,000 tickets (more than the old 20,000 cap), seeded per day through the store.
    const labels = windowDays('30d', now, tf.timeZone);
    const perDay = Math.ceil(25_000 / labels.length);
    let seeded = 0;
    for (const [i, day] of labels.entries()) {
      const count = Math.min(perDay, 25_000 - seeded);
      seeded += count;
      await store.applyContribution(
        desk,
        `seed#${day}`,
        { version: 1, asOf: 'seed' },
        {
          day,
          counters: { tickets: count, resolved: count, ttrCount: count, [`ttrH${100 + i}`]: count },
        },
      );
    }
    const read = await store.readDays(desk, labels[0]!, labels.at(-1)!);
    expect(read.itemsRead).toBe(labels.length);
    const report = buildKpiReport({
      desk,
      pack: tf,
      now,
      period: '30d',
      trend: 'daily',
      days: read.days,
      backlog: [],
    });
    expect(report.population).toMatchObject({ tickets: 25_000, truncated: { tickets: false } });
    expect(report.trend.points.reduce((s, p) => s + p.tickets, 0)).toBe(25_000);
  });
});

describe('the KPI backfill', () => {
  it('rolls up tickets and answers written before the roll-ups existed, and a second run adds nothing', async () => {
    const desk = 'rarelogic';
    const tickets = dynamoTicketStore(db.doc, db.tableName, { put: async () => {}, getText: async () => '' });
    const created = new Date('2031-03-20T15:00:00Z');
    for (const id of [
      '01J0000000000000000000BF01',
      '01J0000000000000000000BF02',
      '01J0000000000000000000BF03',
    ]) {
      const change = openTicket({
        principal: {
          id: 'c',
          role: 'customer',
          desk,
          email: 'c@example.com',
          name: undefined,
          plan: undefined,
          tier: undefined,
        },
        body: CreateTicketBody.parse({ subject: 'Help', description: 'x' }),
        id,
        now: created,
        defaults: deskDefaultsFor(desk),
      });
      await tickets.putNewTicket(change);
    }
    await dynamoSurveyStore(db.doc, db.tableName).putOnce({
      desk,
      ticketId: '01J0000000000000000000BF01',
      csat: 5,
      nps: 9,
      submittedAt: '2031-03-21T10:00:00.000Z',
    });
    const store = dynamoKpiRollupStore(db.doc, db.tableName);
    const deps = {
      source: dynamoKpiBackfillSource(db.doc, db.tableName),
      recorder: kpiRecorder(store),
      clock: { now: () => now },
    };
    expect(await backfillKpiRollups(deps, desk, {})).toEqual({ tickets: 3, surveys: 1 });
    await backfillKpiRollups(deps, desk, {});
    const { days } = await store.readDays(desk, '2031-03-01', '2031-03-31');
    const report = buildKpiReport({
      desk,
      pack: getPolicyPack(desk),
      now,
      period: '30d',
      trend: 'daily',
      days,
      backlog: [],
    });
    expect(report.population).toMatchObject({ tickets: 3, surveys: 1 });
    expect(report.kpis.find((k) => k.kpi === 'csat')).toMatchObject({ value: 5, basis: 1 });
  });
});
