import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { eraseRequesterTicket } from '#shared/compliance/requester-data.ts';
import { kpiRecorder } from '#shared/kpis/recorder.ts';
import { type OutboundMail, outcomeOf } from '#shared/notices/outbound.ts';
import type { BlobStore, ObjectStore } from '#shared/objects/ports.ts';
import { PutCommand, QueryCommand, UpdateCommand } from '#shared/runtime/aws/dynamodb.ts';
import { dynamoBanStore } from '#shared/store/ban-store.ts';
import { dynamoKpiRollupStore } from '#shared/store/kpi-rollup-store.ts';
import { dynamoRetentionStore } from '#shared/store/retention-store.ts';
import { keys } from '#shared/store/table-keys.ts';
import { attributeBytes } from '#shared/store/ticket-item-layout.ts';
import { dynamoTicketStore, INLINE_BODY_LIMIT } from '#shared/store/ticket-store.ts';
import { type BanService, banService } from '#shared/tickets/bans.ts';
import { addMessage, CreateTicketBody, openTicket } from '#shared/tickets/commands.ts';
import { GENERIC_DESK_DEFAULTS } from '#shared/tickets/desk-policy.ts';
import { type BanStore, type TicketStore, VersionConflict } from '#shared/tickets/ports.ts';
import { ticketService } from '#shared/tickets/service.ts';
import { NO_STAFF } from '#shared/tickets/staff-directory.ts';
import { startDynalite } from '../support/dynalite.ts';

/** A blob store kept in memory: the S3 adapter itself is exercised by the e2e tests. */
function memoryBlobs(): BlobStore & { keys(): string[] } {
  const objects = new Map<string, string>();
  return {
    put: async (key, body) => void objects.set(key, body.toString()),
    getText: async (key) => objects.get(key) ?? Promise.reject(new Error(`no ${key}`)),
    keys: () => [...objects.keys()],
  };
}

let db: Awaited<ReturnType<typeof startDynalite>>;
let store: TicketStore;
let blobs: ReturnType<typeof memoryBlobs>;
let banStore: BanStore;
let bans: BanService;
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
const body = CreateTicketBody.parse({ subject: 'Down', description: 'Everything is down' });
const defaults = () => GENERIC_DESK_DEFAULTS;
const openedBy = (principal: Principal, id: string) =>
  openTicket({ principal, body, id, now, defaults: defaults() });
/** Records workflow signals; the Step Functions side is covered by the e2e tests on the local engine. */
const signals = {
  started: [] as string[],
  start: async (input: { executionName: string }) => void signals.started.push(input.executionName),
  wake: async () => 'stale' as const,
  end: async () => 'stale' as const,
  status: async () => 'missing' as const,
};

/** The KPI roll-ups in the same table: a change's commit carries the ticket's share. */
const kpis = () => kpiRecorder(dynamoKpiRollupStore(db.doc, db.tableName));

beforeAll(async () => {
  db = await startDynalite();
  blobs = memoryBlobs();
  store = dynamoTicketStore(db.doc, db.tableName, blobs);
  banStore = dynamoBanStore(db.doc, db.tableName);
  bans = banService({ bans: banStore, clock });
});
afterAll(() => db.stop());

/** The workflow plans from `version` of a ticket (clearing the due marker) and parks on `token`. */
async function planAndParkOn(ticketId: string, version: number, token: string) {
  const checkpoint = '2026-03-06T16:00:00.000Z';
  const { ticket } = (await store.getTicket('techflow', ticketId))!;
  await store.recordSlaProgress({
    expectedVersion: version,
    ticket,
    newActivity: [],
    newActions: [],
    nextCheckpoint: checkpoint,
    wakeAt: checkpoint,
    packVersion: 'techflow@test',
    executionName: ticketId,
    executionStartedAt: now.toISOString(),
  });
  expect(
    await store.parkWorkflow('techflow', ticketId, {
      taskToken: token,
      seenVersion: version,
      until: checkpoint,
    }),
  ).toBe(true);
}

describe('DynamoDB ticket store', () => {
  it('writes a ticket once: a second putNewTicket with the same id reports it exists', async () => {
    const change = openTicket({
      principal: customer,
      body,
      id: '01J00000000000000000000001',
      now,
      defaults: defaults(),
    });
    expect(await store.putNewTicket({ ticket: change.ticket, activity: change.activity })).toBe(true);
    expect(await store.putNewTicket({ ticket: change.ticket, activity: change.activity })).toBe(false);
    const stored = await store.getTicket('techflow', change.ticket.id);
    expect(stored?.ticket).toEqual(change.ticket);
    expect(stored?.activity).toEqual(change.activity);
    expect(await store.getTicket('acentus', change.ticket.id)).toBeUndefined();
  });

  it('commits a change only against the version it read', async () => {
    const change = openTicket({
      principal: customer,
      body,
      id: '01J00000000000000000000002',
      now,
      defaults: defaults(),
    });
    await store.putNewTicket(change);
    const next = {
      ticket: { ...change.ticket, status: 'open' as const, version: 2 },
      activity: change.activity,
    };
    await store.commitChange(next, 1);
    await expect(
      store.commitChange({ ...next, ticket: { ...next.ticket, version: 3 } }, 1),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect((await store.getTicket('techflow', change.ticket.id))?.ticket.status).toBe('open');
  });

  it('commits a change quietly only while the workflow sleeps on the token it was judged against', async () => {
    const change = openedBy(customer, '01J00000000000000000000009');
    await store.putNewTicket(change);
    const planAndPark = (version: number, token: string) => planAndParkOn(change.ticket.id, version, token);
    const at = (version: number) => ({ ticket: { ...change.ticket, version }, activity: change.activity });

    await planAndPark(1, 'token-A');
    expect(await store.commitChange(at(2), 1, [], { quietWhileParkedOn: 'token-A' })).toEqual({
      taskToken: 'token-A',
      workflowMustSee: false,
    });
    expect((await store.getTicket('techflow', change.ticket.id))?.workflowDueSince).toBeUndefined();

    // The workflow woke and parked anew meanwhile: a change judged against the old token is committed marked.
    await planAndPark(2, 'token-B');
    expect(await store.commitChange(at(3), 2, [], { quietWhileParkedOn: 'token-A' })).toEqual({
      taskToken: 'token-B',
      workflowMustSee: true,
    });
    expect((await store.getTicket('techflow', change.ticket.id))?.workflowDueSince).toBeDefined();
    await expect(store.commitChange(at(4), 2, [], { quietWhileParkedOn: 'token-B' })).rejects.toBeInstanceOf(
      VersionConflict,
    );
  });

  it('a quiet commit records and queues the notices it leaves to the sweep; a marked one leaves them out', async () => {
    const change = openedBy(customer, '01J00000000000000000000019');
    await store.putNewTicket(change);
    const planAndPark = (version: number, token: string) => planAndParkOn(change.ticket.id, version, token);
    const at = (version: number) => ({ ticket: { ...change.ticket, version }, activity: change.activity });
    const notice = (id: string) => ({
      actions: [
        {
          id,
          kind: 'notify' as const,
          at: now.toISOString(),
          appliedAt: now.toISOString(),
          rule: 'r',
          summary: 's',
        },
      ],
      outbound: [
        {
          id,
          kind: 'notice' as const,
          audience: 'customer' as const,
          template: 'techflow-satisfaction-survey',
          at: now.toISOString(),
          queuedAt: now.toISOString(),
          status: 'pending' as const,
          attempts: 0,
        },
      ],
      listedSince: now.toISOString(),
    });

    await planAndPark(1, 'token-A');
    const quiet = await store.commitChange(at(2), 1, [], {
      quietWhileParkedOn: 'token-A',
      noticesForSweep: notice('notify:survey:1'),
    });
    expect(quiet.workflowMustSee).toBe(false);
    const listed = (await store.getTicket('techflow', change.ticket.id))!;
    expect(listed.sla?.actions.map((a) => a.id)).toEqual(['notify:survey:1']);
    expect(listed.outbox?.map((m) => [m.id, m.status])).toEqual([['notify:survey:1', 'pending']]);
    expect(listed.mailPendingSince).toBe(now.toISOString());
    expect(listed.workflowDueSince).toBeUndefined();

    // The workflow re-planned meanwhile: the change is committed marked, and the notice left to it.
    await planAndPark(2, 'token-B');
    const marked = await store.commitChange(at(3), 2, [], {
      quietWhileParkedOn: 'token-A',
      noticesForSweep: notice('notify:survey:2'),
    });
    expect(marked.workflowMustSee).toBe(true);
    const after = (await store.getTicket('techflow', change.ticket.id))!;
    expect(after.sla?.actions.map((a) => a.id)).toEqual(['notify:survey:1']);
    expect(after.outbox?.map((m) => m.id)).toEqual(['notify:survey:1']);
  });

  it('hides a message whose ticket change never committed (a crash between the two writes)', async () => {
    const change = openTicket({
      principal: customer,
      body,
      id: '01J00000000000000000000003',
      now,
      defaults: defaults(),
    });
    await store.putMessage(change.message);
    await store.putNewTicket(change);
    const reply = addMessage({
      principal: agent,
      ticket: change.ticket,
      body: { body: 'crashed', visibility: 'public' },
      messageId: '01J0000000000000000000000X',
      now,
    });
    await store.putMessage(reply.message); // ...and the process dies before commitChange
    const read = await store.getTicketWithMessages('techflow', change.ticket.id);
    expect(read?.messages.map((m) => m.body)).toEqual(['Everything is down']);
  });

  it('keeps bodies over the inline limit in the object store', async () => {
    const long = 'x'.repeat(INLINE_BODY_LIMIT + 1);
    const change = openTicket({
      principal: customer,
      body: { ...body, description: long },
      id: '01J00000000000000000000004',
      now,
      defaults: defaults(),
    });
    await store.putMessage(change.message);
    await store.putNewTicket(change);
    expect(blobs.keys()).toContain(
      'bodies/techflow/01J00000000000000000000004/01J00000000000000000000004.txt',
    );
    const read = await store.getTicketWithMessages('techflow', change.ticket.id);
    expect(read?.messages[0]?.body).toBe(long);
  });

  it('claims an idempotency key once and tells a replay from a mismatch', async () => {
    const claim = {
      desk: 'techflow',
      principalId: 'c1',
      scope: 'create-ticket',
      key: 'k-00000001',
      requestHash: 'h1',
      resourceId: 'R1',
      at: now.toISOString(),
    };
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: 'claimed' });
    expect(await store.claimIdempotencyKey({ ...claim, resourceId: 'R2' })).toEqual({
      kind: 'replay',
      resourceId: 'R1',
    });
    expect(await store.claimIdempotencyKey({ ...claim, requestHash: 'h2' })).toEqual({ kind: 'mismatch' });
    expect(await store.claimIdempotencyKey({ ...claim, principalId: 'c2' })).toEqual({ kind: 'claimed' });
  });
});

describe('ticket service over the store', () => {
  it('finishes a create that crashed after claiming its idempotency key', async () => {
    const service = serviceOverStore();
    const idem = { key: 'crash-key-01', requestHash: 'same' };
    // The first attempt claimed the key and died before writing the ticket.
    await store.claimIdempotencyKey({
      desk: 'techflow',
      principalId: 'c1',
      scope: 'create-ticket',
      key: idem.key,
      requestHash: 'same',
      resourceId: '01J0000000000000000000CRSH',
      at: now.toISOString(),
    });
    const retried = await service.createTicket(customer, body, idem);
    expect(retried.ticket.id).toBe('01J0000000000000000000CRSH');
    const again = await service.createTicket(customer, body, idem);
    expect(again).toMatchObject({ replayed: true, ticket: { id: '01J0000000000000000000CRSH' } });
  });

  it('a retried message with the same key is stored once', async () => {
    const service = serviceOverStore();
    const { ticket } = await service.createTicket(customer, body);
    const idem = { key: 'msg-key-001', requestHash: 'm' };
    const first = await service.addMessage(agent, ticket.id, { body: 'hello', visibility: 'public' }, idem);
    const second = await service.addMessage(agent, ticket.id, { body: 'hello', visibility: 'public' }, idem);
    expect(second).toMatchObject({ replayed: true, messageId: first.messageId });
    const read = await service.getTicket(agent, ticket.id);
    expect(read.messages.filter((m) => m.body === 'hello')).toHaveLength(1);
    expect(read.version).toBe(2);
  });

  it('serialises concurrent replies: every message lands, versions count each once', async () => {
    const service = serviceOverStore();
    const { ticket } = await service.createTicket(customer, body);
    await Promise.all(
      [1, 2, 3].map((i) =>
        service.addMessage(agent, ticket.id, { body: `reply ${i}`, visibility: 'internal' }),
      ),
    );
    const read = await service.getTicket(agent, ticket.id);
    expect(read.messages).toHaveLength(4);
    expect(read.version).toBe(4);
  });
});

describe('ban store and check', () => {
  const lead: Principal = { ...customer, id: 'l1', role: 'lead', desk: 'rarelogic', email: 'l1@example.com' };
  it('finds an address ban through its variants and a domain ban through sub-domains, counting refusals', async () => {
    await bans.add(lead, { email: 'troll@example.com', reason: 'abuse' });
    await bans.add(lead, { email: '@spam.example', reason: 'fraud' });
    for (const variant of ['troll@example.com', 'Troll+x@EXAMPLE.com', 'ｔｒｏｌｌ@example.com']) {
      expect((await bans.findBan('rarelogic', [variant]))?.email, variant).toBe('troll@example.com');
    }
    expect((await bans.findBan('rarelogic', ['x@a.b.spam.example']))?.email).toBe('@spam.example');
    expect(await bans.findBan('rarelogic', ['troll@mail.example.com', 'friend@example.com'])).toBeUndefined();
    // Another desk's ban list is another list.
    expect(await bans.findBan('techflow', ['troll@example.com'])).toBeUndefined();
    // The mailbox ban wins over a domain ban when both cover the address.
    await bans.add(lead, { email: '@example.com', reason: 'whole domain' });
    expect((await bans.findBan('rarelogic', ['troll@example.com']))?.email).toBe('troll@example.com');
    expect((await bans.findBan('rarelogic', ['friend@example.com']))?.email).toBe('@example.com');

    await expect(bans.assertNotBanned('rarelogic', undefined, 'TROLL+y@example.com')).rejects.toMatchObject({
      kind: 'banned',
    });
    await expect(bans.assertNotBanned('rarelogic', 'friend@elsewhere.example')).resolves.toBeUndefined();
    const troll = (await bans.list(lead)).find((b) => b.email === 'troll@example.com');
    expect(troll).toMatchObject({ blockedAttempts: 1, lastBlockedAt: now.toISOString() });
  });

  it('reads a domain of many labels in batches of 100 keys', async () => {
    await bans.add(lead, { email: '@deep.example', reason: 'fraud' });
    const labels = Array.from({ length: 120 }, () => 'a').join('.');
    expect((await bans.findBan('rarelogic', [`x@${labels}.deep.example`]))?.email).toBe('@deep.example');
  });
});

/**
 * The activity history lives in chunk items of its own beside the ticket item, which buffers the latest
 * changes' entries only as long as they fit in the KB it pays anyway: the item stays the same size
 * however long the ticket runs. Settled mail and applied SLA actions move to the chunks as well.
 */
function serviceOverStore() {
  return ticketService({
    store,
    clock,
    deskDefaults: defaults,
    staff: NO_STAFF,
    signals,
    bans,
    kpis: kpis(),
  });
}
const service = serviceOverStore;
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
const ticketItemOf = async (ticketId: string) => (await partition(ticketId)).find((i) => i.sk === 'TICKET')!;
const putItem = (Item: Record<string, unknown>) =>
  db.doc.send(new PutCommand({ TableName: db.tableName, Item }));
const statusChange = (n: number) => ({
  at: `2026-03-06T15:${String(n % 60).padStart(2, '0')}:00.000Z`,
  by: 'a1',
  type: 'status-changed' as const,
  from: 'new' as const,
  to: 'open' as const,
  reason: `a reason long enough to weigh something on the item, number ${n}`,
});
/** Mail and SLA actions as the previous release left them on the item: every record in full. */
const sentAcknowledgement = {
  id: 'notify:acknowledgement:1',
  kind: 'notice',
  audience: 'customer',
  template: 'techflow-acknowledgement',
  promiseToCustomer: true,
  summary: 'acknowledgement to the customer',
  at: '2026-03-06T15:00:00.000Z',
  queuedAt: '2026-03-06T15:00:00.000Z',
  status: 'sent',
  attempts: 1,
  sentAt: '2026-03-06T15:00:02.000Z',
  to: ['c1@example.com'],
  providerMessageId: '0100018e-provider-message-id',
  emailMessageId: '<0100018e-provider-message-id@email.amazonses.com>',
};
const pendingReply = {
  id: 'reply:01J0000000000000000000PEND',
  kind: 'reply',
  audience: 'customer',
  messageId: '01J0000000000000000000PEND',
  at: '2026-03-06T15:01:00.000Z',
  queuedAt: '2026-03-06T15:01:00.000Z',
  status: 'pending',
  attempts: 0,
};
const appliedAction = {
  id: 'notify:acknowledgement:1',
  kind: 'notify',
  at: '2026-03-06T15:00:00.000Z',
  appliedAt: '2026-03-06T15:00:00.000Z',
  rule: 'acknowledgement',
  summary: 'acknowledgement to the customer (promise stated)',
  notice: { template: 'techflow-acknowledgement', audience: 'customer', promiseToCustomer: true },
};

/** A fresh ticket through the service, for the chunk tests. */
async function opened(subject: string) {
  const tickets = service();
  const { ticket } = await tickets.createTicket(
    customer,
    CreateTicketBody.parse({ subject, description: 'Chunks' }),
  );
  return { tickets, ticket };
}

describe('ticket activity in chunk items', () => {
  it('keeps the ticket item under 2 KB over many changes and reads the whole history back in order', async () => {
    const { tickets, ticket } = await opened('Down');
    for (let i = 0; i < 30; i++)
      await tickets.addMessage(agent, ticket.id, { body: `reply ${i}`, visibility: 'internal' });

    const items = await partition(ticket.id);
    const ticketItem = items.find((i) => i.sk === 'TICKET')!;
    expect(attributeBytes(ticketItem)).toBeLessThanOrEqual(2048);
    const chunks = items.filter((i) => i.kind === 'activity');
    // Several entries a chunk: fewer copy-outs than changes.
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.length).toBeLessThan(15);
    expect(chunks.every((c) => Array.isArray(c.entries) && c.entry === undefined)).toBe(true);
    expect(ticketItem.activityStart).toBe(
      chunks.reduce((n, c) => Math.max(n, (c.seq as number) + (c.entries as unknown[]).length), 0),
    );

    const stored = await store.getTicket('techflow', ticket.id);
    expect(stored?.activity.map((a) => a.type)).toEqual(['ticket-created', ...Array(30).fill('agent-reply')]);
    const read = await tickets.getTicket(agent, ticket.id);
    expect(read.messages).toHaveLength(31);
  });

  it('reads a ticket written before activity items existed, and moves its history, mail and actions out at the next change', async () => {
    const { tickets, ticket } = await opened('Old');
    // That release's shape: the whole history, full mail records and applied actions on the item, no activityStart.
    const { activityStart: _start, requesterMailCheck: _check, ...legacy } = await ticketItemOf(ticket.id);
    const history = [...(legacy.activity as unknown[]), ...[1, 2, 3, 4, 5, 6].map(statusChange)];
    const outbox = [sentAcknowledgement, pendingReply];
    const sla = { actions: [appliedAction], nextCheckpoint: null, packVersion: '3' };
    await putItem({ ...legacy, activity: history, outbox, sla });

    const old = await store.getTicket('techflow', ticket.id);
    expect(old?.activity).toEqual(history);
    expect(old?.outbox).toEqual(outbox);
    expect(old?.sla?.actions).toEqual([appliedAction]);

    await tickets.addMessage(agent, ticket.id, { body: 'now', visibility: 'internal' });
    const items = await partition(ticket.id);
    const [chunk, ...more] = items.filter((i) => i.kind === 'activity');
    expect(more).toHaveLength(0);
    expect(chunk).toMatchObject({
      seq: 0,
      entries: history,
      outbox: [sentAcknowledgement],
      slaActions: [appliedAction],
    });
    const item = items.find((i) => i.sk === 'TICKET')!;
    expect(item.activityStart).toBe(history.length);
    expect(item.activity).toHaveLength(1);
    // What a write decides on stays: the pending entry in full, ids (and status) of the settled one and the action.
    expect(item.outbox).toEqual([{ id: sentAcknowledgement.id, status: 'sent', moved: true }, pendingReply]);
    expect(item.sla.actions).toEqual([{ id: appliedAction.id, moved: true }]);

    const after = await store.getTicket('techflow', ticket.id);
    expect(after?.activity.slice(0, history.length)).toEqual(history);
    expect(after?.activity.map((a) => a.type).at(-1)).toBe('agent-reply');
    expect(after?.outbox).toEqual(outbox);
    expect(after?.sla?.actions).toEqual([appliedAction]);
    // And it goes on changing: the next change commits on the compact item.
    await tickets.addMessage(agent, ticket.id, { body: 'and again', visibility: 'internal' });
    expect((await store.getTicket('techflow', ticket.id))?.activity).toHaveLength(history.length + 2);
  });

  it('a quiet commit that copies actions out appends the notices it leaves to the sweep after their stubs', async () => {
    const { ticket } = await opened('Swept');
    const { activityStart: _start, requesterMailCheck: _check, ...legacy } = await ticketItemOf(ticket.id);
    const history = [...(legacy.activity as unknown[]), ...[1, 2, 3, 4, 5, 6].map(statusChange)];
    const sla = { actions: [appliedAction], nextCheckpoint: null, packVersion: '3' };
    const outbox = [sentAcknowledgement];
    await putItem({ ...legacy, activity: history, outbox, sla, workflow: { taskToken: 'token-S' } });
    const stored = (await store.getTicket('techflow', ticket.id))!;
    const at = new Date(Date.parse(stored.ticket.updatedAt) + 60_000).toISOString();
    const survey = {
      id: 'notify:survey:x',
      kind: 'notify' as const,
      at,
      appliedAt: at,
      rule: 'r',
      summary: 's',
    };
    const notice: OutboundMail = {
      id: survey.id,
      kind: 'notice',
      audience: 'customer',
      at,
      queuedAt: at,
      status: 'pending',
      attempts: 0,
    };
    const version = stored.ticket.version;
    const committed = await store.commitChange(
      { ...stored, ticket: { ...stored.ticket, version: version + 1, updatedAt: at } },
      version,
      [],
      {
        quietWhileParkedOn: 'token-S',
        noticesForSweep: { actions: [survey], outbound: [notice], listedSince: at },
      },
    );
    expect(committed.workflowMustSee).toBe(false);
    const item = (await partition(ticket.id)).find((i) => i.sk === 'TICKET')!;
    expect(item.sla.actions).toEqual([{ id: appliedAction.id, moved: true }, survey]);
    const after = (await store.getTicket('techflow', ticket.id))!;
    expect(after.sla?.actions).toEqual([appliedAction, survey]);
    expect(after.outbox?.map((m) => m.id)).toEqual([sentAcknowledgement.id, survey.id]);
    expect(after.mailPendingSince).toBe(at);
  });

  it('a copy-out never drops what the workflow recorded after the read (it appends without moving the version)', async () => {
    const { tickets, ticket } = await opened('Raced');
    const { activityStart: _start, requesterMailCheck: _check, ...legacy } = await ticketItemOf(ticket.id);
    const history = [...(legacy.activity as unknown[]), ...[1, 2, 3, 4, 5, 6].map(statusChange)];
    const sla = { actions: [appliedAction], nextCheckpoint: null, packVersion: '3' };
    await putItem({ ...legacy, activity: history, outbox: [sentAcknowledgement], sla });
    const stored = (await store.getTicket('techflow', ticket.id))!;
    // The workflow records a warning and queues its mail after that read, at the same version.
    const warning = { ...appliedAction, id: 'warn:first-response:1', kind: 'warn', notice: undefined };
    const warningMail = { ...pendingReply, id: 'notify:warning:1', kind: 'notice' };
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.ticket('techflow', ticket.id),
        UpdateExpression: 'SET sla.actions = list_append(sla.actions, :a), outbox = list_append(outbox, :m)',
        ExpressionAttributeValues: { ':a': [warning], ':m': [warningMail] },
      }),
    );
    const version = stored.ticket.version;
    const at = new Date(Date.parse(stored.ticket.updatedAt) + 60_000).toISOString();
    // The stale read's copy-out would rewrite both lists as it read them: refused.
    await expect(
      store.commitChange(
        { ...stored, ticket: { ...stored.ticket, version: version + 1, updatedAt: at } },
        version,
      ),
    ).rejects.toBeInstanceOf(VersionConflict);
    // The service re-reads and commits; the warning and its mail are still there.
    await tickets.addMessage(agent, ticket.id, { body: 'after the race', visibility: 'internal' });
    const after = (await store.getTicket('techflow', ticket.id))!;
    expect(after.sla?.actions?.map((a) => a.id)).toEqual([appliedAction.id, warning.id]);
    expect(after.outbox?.map((m) => m.id)).toEqual([sentAcknowledgement.id, warningMail.id]);
  });

  it('keeps outbox indexes: new mail goes after the stubs, and a pending entry’s outcome lands at its index', async () => {
    const { ticket } = await opened('Indexes');
    const item = await ticketItemOf(ticket.id);
    const history = [...(item.activity as unknown[]), ...[1, 2, 3, 4, 5, 6].map(statusChange)];
    await putItem({ ...item, activity: history, outbox: [sentAcknowledgement, pendingReply] });
    const read = (await store.getTicket('techflow', ticket.id))!;
    const newMail = {
      ...pendingReply,
      id: 'reply:01J0000000000000000000NEW0',
      messageId: '01J0000000000000000000NEW0',
    };
    const change = {
      ...read,
      ticket: { ...read.ticket, version: read.ticket.version + 1 },
      activity: [...read.activity, statusChange(7)],
    };
    await store.commitChange(change, read.ticket.version, [newMail as OutboundMail]);
    expect((await ticketItemOf(ticket.id)).outbox).toEqual([
      { id: sentAcknowledgement.id, status: 'sent', moved: true },
      pendingReply,
      newMail,
    ]);

    const sentAt = '2026-03-06T15:02:00.000Z';
    await store.recordMailOutcome('techflow', ticket.id, {
      outcomes: [outcomeOf(1, pendingReply.id, { status: 'sent', sentAt })],
      outboxLength: 3,
      settled: false,
    });
    const after = await store.getTicket('techflow', ticket.id);
    expect(after?.outbox).toEqual([
      sentAcknowledgement,
      { ...pendingReply, status: 'sent', sentAt },
      newMail,
    ]);
  });

  it('reads a ticket of the release with one item per entry, and chunks from its next copy-out on', async () => {
    const { tickets, ticket } = await opened('Per entry');
    const item = await ticketItemOf(ticket.id);
    const created = (item.activity as unknown[])[0];
    // The previous release: entries 0..2 in items of their own, the latest on the item from activityStart 3.
    const entries = [created, statusChange(1), statusChange(2)];
    for (const [seq, entry] of entries.entries())
      await putItem({
        ...keys.activity('techflow', ticket.id, seq),
        kind: 'activity',
        seq,
        entry,
        movedAtVersion: 1,
      });
    const latest = statusChange(3);
    await putItem({ ...item, activity: [latest], activityStart: 3 });

    expect((await store.getTicket('techflow', ticket.id))?.activity).toEqual([...entries, latest]);
    for (let i = 0; i < 12; i++)
      await tickets.addMessage(agent, ticket.id, { body: `reply ${i}`, visibility: 'internal' });
    const read = await store.getTicket('techflow', ticket.id);
    expect(read?.activity.slice(0, 4)).toEqual([...entries, latest]);
    expect(read?.activity).toHaveLength(16);
    expect((await partition(ticket.id)).some((i) => Array.isArray(i.entries))).toBe(true);
  });

  it('ignores a chunk copied out by a change that then lost its commit', async () => {
    const { tickets, ticket } = await opened('Race');
    const stale = (await store.getTicket('techflow', ticket.id))!;
    await tickets.addMessage(agent, ticket.id, { body: 'first', visibility: 'internal' });
    await tickets.addMessage(agent, ticket.id, { body: 'second', visibility: 'internal' });
    // A writer holding the first read copies out what it saw (a note without the item's size always
    // copies), then fails its commit on the version.
    const lost = {
      ...stale,
      ticket: { ...stale.ticket, version: stale.ticket.version + 1 },
      activity: [
        ...stale.activity,
        { at: now.toISOString(), by: 'x', type: 'customer-message' as const, messageId: 'm' },
      ],
      activityStored: { start: 0, count: stale.activity.length },
    };
    await expect(store.commitChange(lost, stale.ticket.version)).rejects.toThrow();
    expect((await partition(ticket.id)).some((i) => i.kind === 'activity')).toBe(true);
    const read = await store.getTicket('techflow', ticket.id);
    expect(read?.activity.map((a) => a.type)).toEqual(['ticket-created', 'agent-reply', 'agent-reply']);
  });

  it('a writer holding an older read never copies a chunk back over one an erasure rewrote', async () => {
    const { ticket } = await opened('Erase me');
    const stale = (await store.getTicket('techflow', ticket.id))!;
    const full = { start: 0, count: stale.activity.length };
    await store.commitChange(
      { ...stale, ticket: { ...stale.ticket, version: stale.ticket.version + 1 }, activityStored: full },
      stale.ticket.version,
    );
    const moved = (await partition(ticket.id)).find((i) => i.kind === 'activity')!;
    // What the erasure does to a chunk: rewritten, stamped with the version it raised the ticket to.
    const erasedEntries = (moved.entries as Array<Record<string, unknown>>).map((e) => ({
      ...e,
      by: 'erased-requester',
    }));
    await putItem({ ...moved, entries: erasedEntries, movedAtVersion: 99 });
    await expect(
      store.commitChange(
        { ...stale, ticket: { ...stale.ticket, version: stale.ticket.version + 1 }, activityStored: full },
        stale.ticket.version,
      ),
    ).rejects.toThrow();
    const after = (await partition(ticket.id)).find((i) => i.kind === 'activity');
    expect(after?.entries[0].by).toBe('erased-requester');
  });

  it('an erasure rewrites the chunks too: no address of the requester stays in moved mail records', async () => {
    const { tickets, ticket } = await opened('Erase my mail');
    const item = await ticketItemOf(ticket.id);
    const history = [...(item.activity as unknown[]), ...[1, 2, 3, 4, 5, 6].map(statusChange)];
    await putItem({ ...item, activity: history, outbox: [sentAcknowledgement] });
    await tickets.addMessage(agent, ticket.id, { body: 'moves the mail record out', visibility: 'internal' });
    const mailTo = () => JSON.stringify(partitionNow).includes('c1@example.com');
    let partitionNow = await partition(ticket.id);
    expect(partitionNow.find((i) => i.kind === 'activity')?.outbox).toEqual([sentAcknowledgement]);
    expect(mailTo()).toBe(true);

    const objects = { delete: async () => {}, get: async () => undefined } as unknown as ObjectStore;
    await eraseRequesterTicket(
      { retention: dynamoRetentionStore(db.doc, db.tableName), objects },
      'techflow',
      ticket.id,
      'erased@erased.invalid',
    );
    partitionNow = await partition(ticket.id);
    expect(mailTo()).toBe(false);
    const read = await store.getTicket('techflow', ticket.id);
    expect(read?.outbox?.[0]).toMatchObject({ id: sentAcknowledgement.id, status: 'sent' });
    expect(read?.outbox?.[0]?.to).toBeUndefined();
    expect(read?.activity).toHaveLength(history.length + 1);
  });
});
