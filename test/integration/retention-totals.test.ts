import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoRetentionStore } from '#shared/store/retention-store.ts';
import { keys } from '#shared/store/table-keys.ts';
import { startDynalite } from '../support/dynalite.ts';

let db: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());

/** Sums the items DynamoDB looked at (ScannedCount) across the client's queries. */
function scanning(doc: DynamoDBDocumentClient) {
  const seen = { scanned: 0 };
  const proxy = new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const out = (await target.send(command as never)) as { ScannedCount?: number };
        seen.scanned += out.ScannedCount ?? 0;
        return out;
      };
    },
  });
  return { doc: proxy, seen };
}

const day = (n: number) => new Date(Date.parse('2030-01-01T00:00:00Z') + n * 86_400_000).toISOString();

async function seed(desk: string, fromDay: number, toDay: number, perDay: number) {
  const items = [];
  for (let d = fromDay; d < toDay; d++) {
    for (let i = 0; i < perDay; i++) {
      const id = `${d}-${i}`;
      items.push({
        pk: `DESK#${desk}#CHAT#${id}`,
        sk: 'CHAT',
        gsi3pk: keys.dataClass(desk, 'chat-transcript'),
        gsi3sk: `${day(d)}#${id}`,
      });
    }
  }
  for (let i = 0; i < items.length; i += 25) {
    await db.doc.send(
      new BatchWriteCommand({
        RequestItems: { [db.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

describe('retention preview totals', () => {
  it('count only what is new since the last preview, and stay right when the purge deletes', async () => {
    const desk = 'techflow';
    await seed(desk, 0, 30, 20); // 600 items over 30 days
    const { doc, seen } = scanning(db.doc);
    const store = dynamoRetentionStore(doc, db.tableName);
    expect(await store.countClass(desk, 'chat-transcript', day(20))).toBe(400);
    const fullScan = seen.scanned;
    expect(fullScan).toBe(400);

    // A day later: only that day is read.
    seen.scanned = 0;
    expect(await store.countClass(desk, 'chat-transcript', day(21))).toBe(420);
    expect(seen.scanned).toBe(20);

    // The purge deletes 5 counted items and a preview follows.
    for (let i = 0; i < 5; i++) {
      expect(await store.deleteItem({ pk: `DESK#${desk}#CHAT#3-${i}`, sk: 'CHAT' })).toBe(true);
    }
    // Deleting an item after the counted range changes nothing in the count.
    expect(await store.deleteItem({ pk: `DESK#${desk}#CHAT#25-0`, sk: 'CHAT' })).toBe(true);
    seen.scanned = 0;
    expect(await store.countClass(desk, 'chat-transcript', day(21))).toBe(415);
    expect(seen.scanned).toBe(0);
    expect(await store.countClass(desk, 'chat-transcript', day(30))).toBe(594);

    // A week of cut-off movement later it recounts in full.
    seen.scanned = 0;
    expect(await store.countClass(desk, 'chat-transcript', day(40))).toBe(594);
    expect(seen.scanned).toBe(594);
  });
});
