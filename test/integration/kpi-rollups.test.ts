import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillKpiRollups } from '#shared/kpis/backfill.ts';
import type { KpiTicket } from '#shared/kpis/metrics.ts';
import { kpiRecorder, type TicketWithShare } from '#shared/kpis/recorder.ts';
import { buildKpiReport, windowDays } from '#shared/kpis/report.ts';
import { type Counters, rollUp, sumCounters, ticketContribution } from '#shared/kpis/rollups.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '#shared/runtime/aws/dynamodb.ts';
import { dynamoKpiBackfillSource } from '#shared/store/kpi-backfill-source.ts';
import { dynamoKpiRollupStore, LEFTOVER_RETRY_MS, TOKEN_MEMORY_MS } from '#shared/store/kpi-rollup-store.ts';
import { dynamoSurveyStore } from '#shared/store/survey-store.ts';
import { keys } from '#shared/store/table-keys.ts';
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

/** Puts a ticket item as the store writes it (no share yet), at `t.version`. */
async function putTicket(desk: string, t: KpiTicket & { version: number }) {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.ticket(desk, t.id), kind: 'ticket', desk, ...t, kpi: { seq: 0 } },
    }),
  );
}

/** The ticket as a reader sees it now: fields, activity, KPI share and any change left on it. */
async function readTicket(desk: string, id: string): Promise<TicketWithShare> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.ticket(desk, id), ConsistentRead: true }),
  );
  const item = Item!;
  return {
    ticket: {
      id,
      desk,
      createdAt: item.createdAt,
      priority: item.priority,
      status: item.status,
      version: item.version,
    },
    activity: item.activity,
    kpi: item.kpi,
    kpiChange: item.kpiChange,
  };
}

describe('KPI roll-ups in DynamoDB', () => {
  it('count each ticket once: retries, replays of an old version and concurrent writers add nothing twice', async () => {
    const store = dynamoKpiRollupStore(db.doc, db.tableName);
    const recorder = kpiRecorder(store);
    const desk = 'acentus';
    const tickets = Array.from({ length: 24 }, (_, i) => ticket(`T${i}`, 1 + (i % 3), 10 + i, i % 2 === 0));
    // Each ticket is first recorded open (twice at once), then in its final state (twice at once) beside
    // a late look at its open state, which is refused.
    const open = (t: KpiTicket & { version: number }) => ({
      ...t,
      status: 'open' as const,
      activity: t.activity.slice(0, 3),
      version: 3,
    });
    for (const t of tickets) await putTicket(desk, open(t));
    const openLooks = await Promise.all(tickets.map((t) => readTicket(desk, t.id)));
    await Promise.all(
      openLooks.flatMap((r) => [recorder.ticketChanged(r, now), recorder.ticketChanged(r, now)]),
    );
    for (const t of tickets) {
      const before = await readTicket(desk, t.id);
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.ticket(desk, t.id),
          UpdateExpression: 'SET activity = :a, #status = :s, version = :v',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':a': t.activity, ':s': t.status, ':v': before.ticket.version + 1 },
        }),
      );
    }
    const finalLooks = await Promise.all(tickets.map((t) => readTicket(desk, t.id)));
    const outcomes = await Promise.all(
      finalLooks.flatMap((r, i) => [
        recorder.ticketChanged(r, now),
        recorder.ticketChanged(r, now),
        recorder.ticketChanged(openLooks[i]!, now),
      ]),
    );
    expect(outcomes.filter((o) => o === 'applied').length).toBeLessThanOrEqual(tickets.length);
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
    // Every crash point: after the ticket's write (1 call), after the day's (2, before dropping the change).
    for (const crashAfter of [1, 2]) {
      const id = `CRASH${crashAfter}`;
      await putTicket(desk, { ...t, id });
      const dying = kpiRecorder(dynamoKpiRollupStore(failingAfter(db.doc, crashAfter), db.tableName));
      await expect(dying.ticketChanged(await readTicket(desk, id), now)).rejects.toThrow('crashed');
      const healthy = kpiRecorder(dynamoKpiRollupStore(db.doc, db.tableName));
      // The retry finds the change on the ticket (unless dropped) and finishes it; the share is unchanged.
      expect(await healthy.ticketChanged(await readTicket(desk, id), now)).toBe('unchanged');
      expect(await healthy.ticketChanged(await readTicket(desk, id), now)).toBe('unchanged');
    }
    const { days } = await dynamoKpiRollupStore(db.doc, db.tableName).readDays(
      desk,
      '2031-01-01',
      '2031-12-31',
    );
    const twice = sumCounters([contribution.counters, contribution.counters]);
    expect(withoutZeros(days.get(contribution.day)!)).toEqual(twice);
  });

  it('a ticket rolled up before shares moved onto the ticket continues from its old source item', async () => {
    const desk = 'acentus';
    const store = dynamoKpiRollupStore(db.doc, db.tableName);
    const recorder = kpiRecorder(store);
    const old = { ...ticket('LEGACY', 5, 20, false), status: 'open' as const };
    const solved = ticket('LEGACY', 5, 20, true);
    // Recorded by the earlier protocol; the item has no share.
    await store.applyContribution(
      desk,
      'ticket#LEGACY',
      { version: 3, asOf: 'a' },
      ticketContribution(pack, old, now),
    );
    const { kpi: _none, ...item } = {
      ...keys.ticket(desk, solved.id),
      kind: 'ticket',
      desk,
      ...solved,
      kpi: 0,
    };
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item }));
    expect(await recorder.ticketChanged(await readTicket(desk, solved.id), now)).toBe('applied');
    expect(await recorder.ticketChanged(await readTicket(desk, solved.id), now)).toBe('unchanged');
    const contribution = ticketContribution(pack, solved, now);
    const { days } = await store.readDays(desk, contribution.day, contribution.day);
    // The day holds the solved share once: the old share was taken back, not counted beside it.
    expect(withoutZeros(days.get(contribution.day)!)).toEqual(contribution.counters);
    expect((await readTicket(desk, solved.id)).kpi).toEqual({ seq: 1, applied: contribution });
  });

  it('a day remembers tokens for about half an hour, not one per ticket', async () => {
    const desk = 'techflow';
    let realNow = Date.parse('2031-03-31T12:00:00Z');
    const store = dynamoKpiRollupStore(db.doc, db.tableName, { now: () => new Date(realNow) });
    const part = { day: '2029-01-01', counters: { tickets: 1 } };
    const first = store.newChange('T-A', 1, [part]);
    await store.addChange(desk, first);
    await store.addChange(desk, first);
    // A leftover within the retry window is added again under its token: nothing twice.
    realNow += LEFTOVER_RETRY_MS - 60_000;
    expect(await store.finishLeftover(desk, first)).toBe('added-once');
    // Half an hour on, the next write clears the slot that held the first token.
    realNow = Date.parse('2031-03-31T12:30:00Z');
    await store.addChange(desk, store.newChange('T-B', 1, [part]));
    const { Item } = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `DESK#${desk}#KPI_DAYS`, sk: 'DAY#2029-01-01' } }),
    );
    const tokens = Object.entries(Item!).filter(([k]) => k.startsWith('tokens'));
    expect(tokens.flatMap(([, v]) => [...(v as Set<string>)])).toEqual([store.newChange('T-B', 1, []).token]);
    expect(Item!.n_tickets).toBe(2);
    // Older leftovers were added by the run that wrote them: not again.
    expect(await store.finishLeftover(desk, first)).toBe('expired');
    expect(TOKEN_MEMORY_MS).toBeGreaterThan(LEFTOVER_RETRY_MS);
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
