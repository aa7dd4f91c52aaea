import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadlineScheduler, RetentionStore } from '#shared/compliance/ports.ts';
import { purgeService } from '#shared/compliance/purge.ts';
import { retentionPlan } from '#shared/compliance/retention.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import type { DynamoDBDocumentClient } from '#shared/runtime/aws/dynamodb.ts';
import { newId } from '#shared/runtime/ids.ts';
import { dynamoAttachmentStore } from '#shared/store/attachment-store.ts';
import { dynamoComplianceStore } from '#shared/store/compliance-store.ts';
import { dynamoRetentionStore } from '#shared/store/retention-store.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { seedTicketAt, startPurgeFixture } from '../support/purge-fixture.ts';

/**
 * The preview's totals come from per-day counts, not from reading the index: they must equal a full
 * count of the index before the cut-off at every step (before anything is counted, once days are
 * sealed, after a purge, after a purge that crashed mid-page and its retry, and as the clock moves).
 */
const BUCKET = 'counts-test-bodies';
const DAY = 86_400_000;
const desk = 'techflow';
const noSchedules: DeadlineScheduler = {
  scheduleOnce: () => Promise.reject(new Error('no schedules here')),
  cancel: () => Promise.reject(new Error('no schedules here')),
};

let fixture: Awaited<ReturnType<typeof startPurgeFixture>>;
let db: Awaited<ReturnType<typeof startPurgeFixture>>['db'];
let clockNow = new Date('2033-03-10T03:00:00.000Z');
const clock = { now: () => clockNow };
/** Every request the stores send, by command name, and the items those requests read. */
let sent: string[] = [];
let itemsRead = 0;

beforeAll(async () => {
  fixture = await startPurgeFixture('counts-test', BUCKET);
  ({ db } = fixture);
});
afterAll(() => fixture?.stop());

function countingDoc(): DynamoDBDocumentClient {
  const doc = db.doc;
  return new Proxy(doc, {
    get(target, name, receiver) {
      if (name === 'send')
        return (command: { constructor: { name: string } }) => {
          sent.push(command.constructor.name);
          return (target.send as (c: unknown) => Promise<{ ScannedCount?: number; Item?: unknown }>)(
            command,
          ).then((out) => {
            itemsRead += out.ScannedCount ?? (out.Item ? 1 : 0);
            return out;
          });
        };
      return Reflect.get(target, name, receiver);
    },
  });
}

function stores(retentionOverride?: RetentionStore) {
  const objects = fixture.objects();
  const records = dynamoComplianceStore(db.doc, db.tableName);
  const retention = retentionOverride ?? dynamoRetentionStore(countingDoc(), db.tableName);
  return {
    retention,
    tickets: dynamoTicketStore(db.doc, db.tableName, objects),
    attachments: dynamoAttachmentStore(db.doc, db.tableName, objects),
    purge: purgeService({
      records,
      retention,
      objects,
      scheduler: noSchedules,
      clock,
      packFor: (d: string) => getPolicyPack(d),
    }),
  };
}

async function seedTicket(at: Date, channel: 'chat' | 'email') {
  const { tickets } = stores();
  return seedTicketAt(tickets, desk, at, {
    subject: 'Seeded',
    description: 'short',
    requester: { email: 'ana@example.com' },
    channel,
  });
}

async function seedRecording(ticketId: string, at: Date) {
  const { attachments } = stores();
  const id = newId(at);
  await attachments.put(
    {
      id,
      desk,
      ticketId,
      filename: `call-${id}.mp3`,
      contentType: 'audio/mpeg',
      size: 4,
      sha256: 'x',
      dataClass: 'call-recordings',
      uploadedBy: { id: 'agent-1', role: 'agent' },
      createdAt: at.toISOString(),
    },
    Buffer.from('call'),
  );
}

/** The preview's totals beside a full count of the index, per class. */
async function totalsAndFullCounts() {
  const s = stores();
  sent = [];
  itemsRead = 0;
  const preview = await s.purge.preview(desk, { limit: 1, totals: true });
  const totalsRequests = sent.length;
  const totalsItemsRead = itemsRead;
  const full: Record<string, number> = {};
  for (const rule of retentionPlan(getPolicyPack(desk), new Date(preview.asOf)).rules)
    full[rule.dataClass] = await s.retention.countClass(desk, rule.indexClass, rule.cutoff);
  const candidates = Object.values(full).reduce((a, b) => a + b, 0);
  return {
    totals: preview.candidates,
    full,
    totalsRequests,
    totalsItemsRead,
    candidates,
    rules: Object.keys(full).length,
  };
}

async function purgeToEnd(s: ReturnType<typeof stores>, owner: string) {
  const planned = await s.purge.plan({ desks: [desk], trigger: 'schedule' });
  for (let i = 0; i < 50; i++) {
    const result = await s.purge.runBatch({ runs: planned, owner, maxPages: 3, shouldStop: () => false });
    if (result.done) return;
  }
  throw new Error('the purge did not finish');
}

describe('retention preview totals from per-day counts', () => {
  it('match a full count before counting, once sealed, after purges, after a crash and its retry', {
    timeout: 180_000,
  }, async () => {
    // Tickets around each cut-off (730 days for tickets, 365 for chat, 90 for call recordings),
    // several a day, some chat (their messages are chat transcripts), with call recordings.
    for (const [daysAgo, perDay] of [
      [735, 12],
      [731, 2],
      [730, 2],
      [729, 1],
      [400, 2],
      [366, 12],
      [365, 2],
      [120, 2],
      [91, 12],
      [90, 2],
      [5, 1],
    ] as const) {
      for (let i = 0; i < perDay; i++) {
        const at = new Date(clockNow.getTime() - daysAgo * DAY + i * 3_600_000);
        const ticket = await seedTicket(at, i % 2 ? 'chat' : 'email');
        if (daysAgo <= 120) await seedRecording(ticket.id, new Date(at.getTime() + 60_000));
      }
    }

    // Nothing counted yet: the index is counted (the one time it is read whole).
    let seen = await totalsAndFullCounts();
    expect(seen.totals).toEqual(seen.full);
    expect(seen.full).toMatchObject({
      'support-tickets': 14, // 735 and 731 days old; the one created exactly at the cut-off stays
      'chat-transcripts': expect.any(Number),
      'call-recordings': expect.any(Number),
    });
    expect(seen.full['call-recordings']).toBeGreaterThan(0);
    expect(seen.full['chat-transcripts']).toBeGreaterThan(0);

    // A purge batch that purges nothing seals the days that are over.
    const s = stores();
    const planned = await s.purge.plan({ desks: [desk], trigger: 'schedule' });
    await s.purge.runBatch({ runs: planned, owner: 'sealer', maxPages: 0, shouldStop: () => false });
    seen = await totalsAndFullCounts();
    expect(seen.totals).toEqual(seen.full);
    // Sealed: per class one read of its counts and one count of the cut-off's own day (+ the page: its
    // index query and one BatchGetItem of its items, the index holding keys only).
    // …reading fewer items than it counts (a full count reads every candidate), in a fixed number of requests.
    expect(seen.totalsItemsRead).toBeLessThan(seen.candidates);
    expect(seen.totalsRequests).toBe(2 * seen.rules + 2);

    // The purge deletes what is due: the totals follow (its days were marked before the deletions).
    await purgeToEnd(s, 'sealer');
    seen = await totalsAndFullCounts();
    expect(seen.totals).toEqual(seen.full);

    // Time moves on: more falls due; a purge crashes mid-page, then its retry finishes.
    clockNow = new Date(clockNow.getTime() + 3 * DAY);
    seen = await totalsAndFullCounts();
    expect(seen.totals).toEqual(seen.full);
    const real = stores().retention;
    let deletions = 0;
    const crashing = stores({
      ...real,
      async deleteItem(key) {
        if (++deletions > 3) throw new Error('injected: the function died here');
        return real.deleteItem(key);
      },
    });
    const next = await crashing.purge.plan({ desks: [desk], trigger: 'schedule' });
    await expect(
      crashing.purge.runBatch({ runs: next, owner: 'first', maxPages: 5, shouldStop: () => false }),
    ).rejects.toThrow(/injected/);
    seen = await totalsAndFullCounts();
    expect(seen.totals).toEqual(seen.full);
    clockNow = new Date(clockNow.getTime() + 6 * 60_000); // the dead invocation's lease runs out
    await purgeToEnd(stores(), 'second');
    await purgeToEnd(stores(), 'third'); // a repeated trigger changes nothing
    seen = await totalsAndFullCounts();
    expect(seen.totals).toEqual(seen.full);
    expect(seen.totalsRequests).toBe(2 * seen.rules + 1); // counted again by the purge; an empty page fetches no items
  });
});
