import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuePosition } from '#shared/ops/ports.ts';
import { BatchWriteCommand } from '#shared/runtime/aws/dynamodb.ts';
import { dynamoQueueReads } from '#shared/store/queue-reads.ts';
import { keys } from '#shared/store/table-keys.ts';
import { UNRESOLVED_STATUSES } from '#shared/tickets/model.ts';
import { startDynalite } from '../support/dynalite.ts';

let db: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());

/** A ticket item as the ticket store keeps it, on the status index at its next checkpoint. */
function ticketItem(desk: string, id: string, status: string, checkpoint: string) {
  return {
    ...keys.ticket(desk, id),
    kind: 'ticket',
    id,
    desk,
    subject: 'Help',
    status,
    priority: 'normal',
    plan: 'standard',
    channel: 'email',
    tier: 1,
    assignee: null,
    createdAt: '2031-01-01T00:00:00.000Z',
    updatedAt: '2031-01-01T00:00:00.000Z',
    activity: [],
    sla: { nextCheckpoint: checkpoint },
    gsi1pk: keys.deskStatus(desk, status),
    gsi1sk: `${checkpoint}#${id}`,
  };
}

async function seed(items: Array<Record<string, unknown>>) {
  for (let i = 0; i < items.length; i += 25) {
    await db.doc.send(
      new BatchWriteCommand({
        RequestItems: { [db.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

describe('the queue read across open statuses', () => {
  it('finds the open ticket about to breach behind 2,100 new ones, and pages through all of them', async () => {
    const desk = 'techflow';
    const at = (minute: number) =>
      new Date(Date.parse('2031-06-02T13:00:00Z') + minute * 60_000).toISOString();
    const items = Array.from({ length: 2_100 }, (_, i) =>
      ticketItem(desk, `N${String(i).padStart(5, '0')}`, 'new', at(10 + i)),
    );
    items.push(ticketItem(desk, 'OPEN-SOON', 'open', at(5)));
    items.push(ticketItem(desk, 'PENDING-LATE', 'pending', at(5_000)));
    await seed(items);
    const reads = dynamoQueueReads(db.doc, db.tableName);

    const first = await reads.pageUnresolved(desk, UNRESOLVED_STATUSES, 50, undefined);
    expect(first.records[0]!.ticket.id).toBe('OPEN-SOON');
    expect(first.records).toHaveLength(50);

    const seen: string[] = [];
    let from: QueuePosition | undefined;
    let pages = 0;
    do {
      const page = await reads.pageUnresolved(desk, UNRESOLVED_STATUSES, 500, from);
      seen.push(...page.records.map((r) => r.ticket.id));
      from = page.next ?? undefined;
      pages += 1;
    } while (from);
    expect(new Set(seen).size).toBe(2_102);
    expect(seen.at(-1)).toBe('PENDING-LATE');
    expect(pages).toBeGreaterThanOrEqual(5);
    const checkpoints = seen.map((id) => items.find((i) => i.id === id)!.gsi1sk);
    expect(checkpoints).toEqual([...checkpoints].sort());

    const backlog = await reads.backlog(desk);
    expect(backlog).toHaveLength(2_102);
  });
});
