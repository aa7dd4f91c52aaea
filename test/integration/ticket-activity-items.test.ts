import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { dynamoBanStore } from '#shared/store/ban-store.ts';
import { keys } from '#shared/store/table-keys.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { banService } from '#shared/tickets/bans.ts';
import { CreateTicketBody } from '#shared/tickets/commands.ts';
import { GENERIC_DESK_DEFAULTS } from '#shared/tickets/desk-policy.ts';
import type { TicketStore } from '#shared/tickets/ports.ts';
import { ticketService } from '#shared/tickets/service.ts';
import { NO_STAFF } from '#shared/tickets/staff-directory.ts';
import { startDynalite } from '../support/dynalite.ts';

/**
 * The activity history lives in items of its own (one per entry) beside the ticket item, which keeps
 * only the latest change's entries: the item stays the same size however long the ticket runs.
 */
let db: Awaited<ReturnType<typeof startDynalite>>;
let store: TicketStore;
const now = new Date('2026-03-06T15:00:00Z');
const clock = { now: () => now };
const customer: Principal = {
  id: 'c1',
  role: 'customer',
  desk: 'techflow',
  email: 'c1@example.com',
  name: undefined,
  plan: undefined,
  tier: undefined,
};
const agent: Principal = { ...customer, id: 'a1', role: 'agent', email: 'a1@example.com' };
const signals = {
  start: async () => {},
  wake: async () => 'stale' as const,
  status: async () => 'missing' as const,
};
const service = () =>
  ticketService({
    store,
    clock,
    deskDefaults: () => GENERIC_DESK_DEFAULTS,
    staff: NO_STAFF,
    signals,
    bans: banService({ bans: dynamoBanStore(db.doc, db.tableName), clock }),
  });

const partition = async (ticketId: string) =>
  (
    await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticketPartition('techflow', ticketId) },
      }),
    )
  ).Items ?? [];

beforeAll(async () => {
  db = await startDynalite();
  store = dynamoTicketStore(db.doc, db.tableName, { put: async () => {}, getText: async () => '' });
});
afterAll(() => db.stop());

describe('ticket activity in its own items', () => {
  it('keeps the ticket item to the latest change and reads the whole history back in order', async () => {
    const tickets = service();
    const { ticket } = await tickets.createTicket(
      customer,
      CreateTicketBody.parse({ subject: 'Down', description: 'Everything is down' }),
    );
    for (let i = 0; i < 12; i++)
      await tickets.addMessage(agent, ticket.id, { body: `reply ${i}`, visibility: 'internal' });

    const items = await partition(ticket.id);
    const ticketItem = items.find((i) => i.sk === 'TICKET')!;
    expect(ticketItem.activity).toHaveLength(1);
    expect(ticketItem.activityStart).toBe(12);
    expect(items.filter((i) => i.kind === 'activity').map((i) => i.seq)).toEqual([...Array(12).keys()]);

    const stored = await store.getTicket('techflow', ticket.id);
    expect(stored?.activity.map((a) => a.type)).toEqual(['ticket-created', ...Array(12).fill('agent-reply')]);
    const read = await tickets.getTicket(agent, ticket.id);
    expect(read.messages).toHaveLength(13);
  });

  it('reads a ticket written before activity items existed, and moves its history out at the next change', async () => {
    const tickets = service();
    const { ticket } = await tickets.createTicket(
      customer,
      CreateTicketBody.parse({ subject: 'Old', description: 'Written by the previous release' }),
    );
    // The previous release's shape: the whole history on the ticket item, no activityStart.
    const before = (await partition(ticket.id)).find((i) => i.sk === 'TICKET')!;
    const { activityStart: _start, ...legacy } = before;
    const history = [
      ...(before.activity as unknown[]),
      ...[1, 2, 3].map((n) => ({
        at: `2026-03-06T15:0${n}:00.000Z`,
        by: 'a1',
        type: 'status-changed',
        from: 'new',
        to: 'open',
      })),
    ];
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...legacy, activity: history } }));

    const old = await store.getTicket('techflow', ticket.id);
    expect(old?.activity).toEqual(history);

    await tickets.addMessage(agent, ticket.id, { body: 'now', visibility: 'internal' });
    const items = await partition(ticket.id);
    expect(items.filter((i) => i.kind === 'activity')).toHaveLength(4);
    expect(items.find((i) => i.sk === 'TICKET')?.activity).toHaveLength(1);
    const after = await store.getTicket('techflow', ticket.id);
    expect(after?.activity.slice(0, 4)).toEqual(history);
    expect(after?.activity.map((a) => a.type).at(-1)).toBe('agent-reply');
  });

  it('ignores an entry copied out by a change that then lost its commit', async () => {
    const tickets = service();
    const { ticket } = await tickets.createTicket(
      customer,
      CreateTicketBody.parse({ subject: 'Race', description: 'Two writers' }),
    );
    const stale = (await store.getTicket('techflow', ticket.id))!;
    await tickets.addMessage(agent, ticket.id, { body: 'first', visibility: 'internal' });
    await tickets.addMessage(agent, ticket.id, { body: 'second', visibility: 'internal' });
    // A writer holding the first read copies out what it saw, then fails its commit on the version.
    const lost = {
      ...stale,
      ticket: { ...stale.ticket, version: stale.ticket.version + 1 },
      activity: [
        ...stale.activity,
        { at: now.toISOString(), by: 'x', type: 'customer-message' as const, messageId: 'm' },
      ],
    };
    await expect(store.commitChange(lost, stale.ticket.version)).rejects.toThrow();
    const read = await store.getTicket('techflow', ticket.id);
    expect(read?.activity.map((a) => a.type)).toEqual(['ticket-created', 'agent-reply', 'agent-reply']);
  });

  it('a writer holding an older read never copies an entry back over one an erasure rewrote', async () => {
    const tickets = service();
    const { ticket } = await tickets.createTicket(
      customer,
      CreateTicketBody.parse({ subject: 'Erase me', description: 'Personal' }),
    );
    const stale = (await store.getTicket('techflow', ticket.id))!;
    await tickets.addMessage(agent, ticket.id, { body: 'moves the first entry out', visibility: 'internal' });
    const moved = (await partition(ticket.id)).find((i) => i.kind === 'activity')!;
    // What the erasure does to an entry item: rewritten, stamped with the version it raised the ticket to.
    const erased = { ...moved, entry: { ...moved.entry, by: 'erased-requester' }, movedAtVersion: 99 };
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: erased }));
    await expect(
      store.commitChange(
        { ...stale, ticket: { ...stale.ticket, version: stale.ticket.version + 1 } },
        stale.ticket.version,
      ),
    ).rejects.toThrow();
    const after = (await partition(ticket.id)).find((i) => i.kind === 'activity');
    expect(after?.entry.by).toBe('erased-requester');
  });
});
