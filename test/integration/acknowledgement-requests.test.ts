import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import type { KpiRecorder } from '#shared/kpis/recorder.ts';
import type { MailStore } from '#shared/mail/ports.ts';
import { staticThreadKeys } from '#shared/mail/thread-token.ts';
import type { DeliveryDeps } from '#shared/notices/deliver.ts';
import { outboundForAgentReply } from '#shared/notices/outbound.ts';
import { outboundMailPort } from '#shared/notices/outbound-port.ts';
import { sweepDeskOutbox } from '#shared/notices/outbound-sweep.ts';
import type { MailSender } from '#shared/notices/sender.ts';
import type { BlobStore } from '#shared/objects/ports.ts';
import type { DynamoDBDocumentClient } from '#shared/runtime/aws/dynamodb.ts';
import { staticKeyring } from '#shared/secrets/keyring.ts';
import { dynamoBanStore } from '#shared/store/ban-store.ts';
import { dynamoMailStore } from '#shared/store/mail-store.ts';
import { dynamoSweepPages } from '#shared/store/sweep-pages.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { banService } from '#shared/tickets/bans.ts';
import { CreateTicketBody, openTicket } from '#shared/tickets/commands.ts';
import { deskDefaultsFor } from '#shared/tickets/desk-policy.ts';
import type { TicketStore } from '#shared/tickets/ports.ts';
import { type TicketServiceDeps, ticketService } from '#shared/tickets/service.ts';
import { NO_STAFF } from '#shared/tickets/staff-directory.ts';
import type { Clock } from '#shared/time/clock.ts';
import { checkTicketSla } from '#shared/workflow/check-ticket-sla.ts';
import { firstNoticesFor } from '#shared/workflow/first-notices.ts';
import { parkWorkflow } from '#shared/workflow/park-workflow.ts';
import { policyPackPlanner } from '#shared/workflow/policy-planner.ts';
import type { WorkflowSignals } from '#shared/workflow/signals.ts';
import {
  DEFAULT_FIRST_RESPONSE_MINUTES,
  fixedFirstResponsePlanner,
  type SlaPlanner,
} from '#shared/workflow/sla-planner.ts';
import { toSleepPlan } from '#shared/workflow/sleep-step.ts';
import { startDynalite } from '../support/dynalite.ts';
import { enterpriseCustomer } from '../support/principals.ts';

/**
 * The acknowledgement's bookkeeping rides on the ticket's own conditional writes: the Apply step
 * claims the mail in its progress write, the park records what was sent, and nothing else is
 * written but the Message-ID map. Counted per DynamoDB operation the stores send.
 */
const noBlobs: BlobStore = { put: async () => {}, getText: async () => '' };
const planner = policyPackPlanner(fixedFirstResponsePlanner(DEFAULT_FIRST_RESPONSE_MINUTES));
/**
 * The KPI roll-ups' own requests are counted by test/integration/kpi-rollups.test.ts and the
 * calls-per-ticket bench; here only the ticket's own bookkeeping is counted.
 */
const kpis: KpiRecorder = {
  planTicketShare: async () => undefined,
  planCommit: async () => undefined,
  finishLeftover: async () => {},
  addChange: async () => {},
  ticketChanged: async () => 'unchanged',
  surveyAnswered: async () => 'unchanged',
};
const customer = enterpriseCustomer;
const created = new Date('2030-01-07T15:00:00Z');

let db: Awaited<ReturnType<typeof startDynalite>>;
let ticketStore: TicketStore;
let mailStore: MailStore;
const calls: string[] = [];
/** db.doc, counting every operation sent through it. */
let counted: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynalite();
  counted = {
    send(command) {
      calls.push(command.operation);
      return db.doc.send(command);
    },
    destroy: () => db.doc.destroy(),
  };
  ticketStore = dynamoTicketStore(counted, db.tableName, noBlobs);
  mailStore = dynamoMailStore(counted, db.tableName);
});
afterAll(() => db.stop());

const count = (from: number) => {
  const out: Record<string, number> = {};
  for (const c of calls.slice(from)) out[c] = (out[c] ?? 0) + 1;
  return out;
};

function deliveryDeps(sender: MailSender, clock: Clock, leaseClock: Clock): DeliveryDeps {
  return {
    ticketStore,
    mailStore,
    sender,
    threadKeys: staticThreadKeys({ current: 'ack-requests-test-thread-key-0123456789' }),
    clock,
    leaseClock,
    publicBaseUrl: 'http://127.0.0.1',
    surveyKeys: staticKeyring({ current: 'ack-requests-test-survey-key-0123456789' }),
  };
}

const recordingSender = () => {
  const sent: string[] = [];
  const sender: MailSender = {
    async send(mail) {
      sent.push(mail.to.join(','));
      return {
        providerMessageId: `p-${sent.length}`,
        messageIdHeader: `<p-${sent.length}-${Date.now()}@local>`,
      };
    },
  };
  return { sender, sent };
};

const signals = (woken: string[]): WorkflowSignals =>
  ({
    start: async () => ({ started: true }),
    wake: async (token: string) => {
      woken.push(token);
      return { woken: true };
    },
  }) as unknown as WorkflowSignals;

async function newTicket(id: string, priority: 'normal' | 'urgent' = 'normal') {
  const change = openTicket({
    principal: customer,
    body: CreateTicketBody.parse({ subject: 'Cannot log in', description: 'x', priority }),
    id,
    now: created,
    defaults: { ...deskDefaultsFor('techflow'), plan: 'enterprise', priority: 'normal' },
  });
  await ticketStore.putNewTicket(
    { ticket: change.ticket, activity: change.activity },
    { firstMessage: change.message, idIsFresh: true },
  );
}

/** The ticket service at the creation instant (TechFlow Enterprise defaults). */
function serviceAtCreation(firstNotices?: TicketServiceDeps['firstNotices']) {
  const clock: Clock = { now: () => created };
  return ticketService({
    store: ticketStore,
    clock,
    deskDefaults: () => ({ ...deskDefaultsFor('techflow'), plan: 'enterprise', priority: 'normal' }),
    signals: signals([]),
    bans: banService({ bans: dynamoBanStore(counted, db.tableName), clock }),
    staff: NO_STAFF,
    kpis,
    firstNotices,
  });
}

describe('acknowledgement bookkeeping', () => {
  it('creates, acknowledges and parks a ticket in one batch, one read and two ticket writes (plus per mail: suppression check and Message-ID map)', async () => {
    const id = '01J0000000000000000ACKREQ1';
    const from = calls.length;
    await newTicket(id);
    expect(count(from)).toEqual({ BatchWriteItem: 1 });

    const clock: Clock = { now: () => new Date(created.getTime() + 60_000) };
    const { sender, sent } = recordingSender();
    const port = outboundMailPort(deliveryDeps(sender, clock, { now: () => new Date() }));
    const apply = calls.length;
    const result = await checkTicketSla(
      { store: ticketStore, planner, kpis, clock, mail: port },
      { ticketId: id, desk: 'techflow', executionName: id, parkRecordsMail: true },
    );
    if (result.next !== 'sleep') throw new Error(`expected a sleep, got ${result.next}`);
    const parked = await parkWorkflow(
      { store: ticketStore, signals: signals([]), kpis },
      {
        ticketId: id,
        desk: 'techflow',
        taskToken: 'token-1',
        seenVersion: result.seenVersion,
        wakeAt: result.wakeAt,
        mail: result.mail,
      },
    );
    expect(parked.parked).toBe(true);
    expect(sent.length).toBeGreaterThan(0);
    // Per mail sent: the recipient's suppression check (Get) and the Message-ID map (Put); no outbox note,
    // no separate claim, no separate record, no re-read.
    expect(count(apply)).toEqual({ Query: 1, UpdateItem: 2, GetItem: sent.length, PutItem: sent.length });

    const after = await ticketStore.getTicket('techflow', id);
    expect(after!.outbox!.every((m) => m.status === 'sent' && m.claimedUntil === undefined)).toBe(true);
    expect(after!.mailPendingSince).toBeUndefined();
    expect(after!.workflow?.taskToken).toBe('token-1');

    // Later mail waiting on the ticket (an agent's reply) is claimed in the next Apply step's write too.
    const reply = outboundForAgentReply(
      { channel: 'email' },
      { messageId: '01J0000000000000000REPLY01', visibility: 'public', at: clock.now().toISOString() },
    );
    const bumped = { ...after!.ticket, version: after!.ticket.version + 1 };
    await ticketStore.commitChange(
      { ticket: bumped, activity: after!.activity },
      after!.ticket.version,
      reply,
    );
    const again = await checkTicketSla(
      { store: ticketStore, planner, kpis, clock, mail: port },
      { ticketId: id, desk: 'techflow', executionName: id, parkRecordsMail: true },
    );
    expect(again.applied.join(' ')).toMatch(/Mail skipped: reply:01J0000000000000000REPLY01/);
  });

  it("the acknowledgement takes the requester's suppression from the read intake made with the ban check", async () => {
    const service = serviceAtCreation();
    const bounced: Principal = { ...customer, id: 'c2', email: 'Bounced@Example.com' };
    await mailStore.suppress({
      desk: 'techflow',
      email: 'bounced@example.com',
      reason: 'bounce',
      detail: '550 no such user',
      at: created.toISOString(),
    });
    const body = CreateTicketBody.parse({ subject: 'Cannot log in', description: 'x' });
    const from = calls.length;
    const ok = (await service.createTicket(customer, body)).ticket.id;
    const suppressed = (await service.createTicket(bounced, body)).ticket.id;
    // Ban keys and the suppression item in one batch read per ticket.
    expect(count(from)).toEqual({ BatchGetItem: 2, BatchWriteItem: 2 });

    const later: Clock = { now: () => new Date(created.getTime() + 60_000) };
    const { sender, sent } = recordingSender();
    const port = outboundMailPort(deliveryDeps(sender, later, { now: () => new Date() }));
    const apply = calls.length;
    for (const id of [ok, suppressed]) {
      const result = await checkTicketSla(
        { store: ticketStore, planner, kpis, clock: later, mail: port },
        { ticketId: id, desk: 'techflow', executionName: id, parkRecordsMail: true },
      );
      if (id === suppressed) expect(result.applied.join(' ')).toMatch(/suppressed after a bounce/);
      if (result.next !== 'sleep') throw new Error(`expected a sleep, got ${result.next}`);
      const { seenVersion, wakeAt, mail } = result;
      await parkWorkflow(
        { store: ticketStore, signals: signals([]), kpis },
        { ticketId: id, desk: 'techflow', taskToken: `token-${id}`, seenVersion, wakeAt, mail },
      );
    }
    expect(sent).toEqual(['c1@example.com']);
    // No suppression read of the sender's own: one Query and two writes (Apply, park) per ticket, and the
    // Message-ID map of the mail sent.
    expect(count(apply)).toEqual({ Query: 2, UpdateItem: 4, PutItem: 1 });
  });

  it('records the sends even when the ticket changed before the park, and wakes the workflow instead', async () => {
    const id = '01J0000000000000000ACKREQ2';
    await newTicket(id);
    const clock: Clock = { now: () => new Date(created.getTime() + 60_000) };
    const { sender } = recordingSender();
    const port = outboundMailPort(deliveryDeps(sender, clock, { now: () => new Date() }));
    const result = await checkTicketSla(
      { store: ticketStore, planner, kpis, clock, mail: port },
      { ticketId: id, desk: 'techflow', executionName: id, parkRecordsMail: true },
    );
    if (result.next !== 'sleep') throw new Error(`expected a sleep, got ${result.next}`);
    // A change lands between Apply and park.
    const current = (await ticketStore.getTicket('techflow', id))!;
    const bumped = {
      ...current.ticket,
      version: current.ticket.version + 1,
      updatedAt: clock.now().toISOString(),
    };
    await ticketStore.commitChange({ ticket: bumped, activity: current.activity }, current.ticket.version);
    const woken: string[] = [];
    const parked = await parkWorkflow(
      { store: ticketStore, signals: signals(woken), kpis },
      {
        ticketId: id,
        desk: 'techflow',
        taskToken: 'token-2',
        seenVersion: result.seenVersion,
        wakeAt: result.wakeAt,
        mail: result.mail,
      },
    );
    expect(parked.parked).toBe(false);
    expect(woken).toEqual(['token-2']);
    const after = (await ticketStore.getTicket('techflow', id))!;
    expect(after.outbox!.every((m) => m.status === 'sent')).toBe(true);
    expect(after.workflowDueSince).toBeDefined(); // still the reconciler's until the workflow looks again
  });

  it('a ticket whose Apply step died after claiming its mail is listed for the sweep, which sends it after the lease', async () => {
    const id = '01J0000000000000000ACKREQ3';
    await newTicket(id);
    let businessNow = new Date(created.getTime() + 60_000);
    const clock: Clock = { now: () => businessNow };
    let realNow = new Date('2030-01-07T15:01:00Z');
    const leaseClock: Clock = { now: () => realNow };
    const dying: MailSender = {
      send: async () => {
        throw new Error('process killed');
      },
    };
    // The send fails as a crash would look to the store: claimed, listed, nothing recorded.
    const port = outboundMailPort(deliveryDeps(dying, clock, leaseClock));
    const crashedPort = { ...port, send: () => Promise.reject(new Error('killed mid-send')) };
    await checkTicketSla(
      { store: ticketStore, planner, kpis, clock, mail: crashedPort },
      { ticketId: id, desk: 'techflow', executionName: id, parkRecordsMail: true },
    );
    const listed = (await ticketStore.getTicket('techflow', id))!;
    expect(listed.mailPendingSince).toBeDefined();
    expect(listed.outbox!.every((m) => m.status === 'pending' && m.claimedUntil)).toBe(true);

    const { sender, sent } = recordingSender();
    const deps = { ...deliveryDeps(sender, clock, leaseClock), mailStore };
    businessNow = new Date(businessNow.getTime() + 5 * 60_000);
    // Within the lease nothing is taken over.
    expect(
      (
        await sweepDeskOutbox({ ...deps, pages: dynamoSweepPages(counted, db.tableName) }, 'techflow', {
          timeLeft: () => true,
        })
      ).reports.find((r) => r.ticketId === id)?.sent,
    ).toEqual([]);
    expect(sent).toEqual([]);
    realNow = new Date(realNow.getTime() + 2 * 60_000);
    const sweep = await sweepDeskOutbox(
      { ...deps, pages: dynamoSweepPages(counted, db.tableName) },
      'techflow',
      {
        timeLeft: () => true,
      },
    );
    expect(sweep.reports.find((r) => r.ticketId === id)?.sent.length).toBe(listed.outbox!.length);
    const after = (await ticketStore.getTicket('techflow', id))!;
    expect(after.outbox!.every((m) => m.status === 'sent')).toBe(true);
    expect(after.mailPendingSince).toBeUndefined();
  });

  it('an execution started on the earlier definition (its park records nothing) has the Apply step record its sends', async () => {
    const id = '01J0000000000000000ACKREQ4';
    await newTicket(id);
    const clock: Clock = { now: () => new Date(created.getTime() + 60_000) };
    const { sender, sent } = recordingSender();
    const port = outboundMailPort(deliveryDeps(sender, clock, { now: () => new Date() }));
    const result = await checkTicketSla(
      { store: ticketStore, planner, kpis, clock, mail: port },
      { ticketId: id, desk: 'techflow', executionName: id },
    );
    if (result.next !== 'sleep') throw new Error(`expected a sleep, got ${result.next}`);
    expect(sent.length).toBeGreaterThan(0);
    expect(result.mail.outcomes).toEqual([]);
    const after = (await ticketStore.getTicket('techflow', id))!;
    expect(after.outbox!.every((m) => m.status === 'sent' && m.claimedUntil === undefined)).toBe(true);
    expect(after.mailPendingSince).toBeUndefined();
  });
});

describe('one ticket write per wake (the current definition)', () => {
  const step = { desk: 'techflow', parkRecordsMail: true, parkRecordsProgress: true } as const;
  const later: Clock = { now: () => new Date(created.getTime() + 60_000) };

  /** A ticket created through the service, as it was queued, and its first Apply step (which plans a sleep). */
  async function firstStep(attempt: number) {
    const realNow = { now: () => new Date() };
    const id = await created1(realNow);
    const queued = (await ticketStore.getTicket('techflow', id))!.outbox!;
    const { sender, sent } = recordingSender();
    const port = outboundMailPort(deliveryDeps(sender, later, realNow));
    const from = calls.length;
    const result = await checkTicketSla(
      { store: ticketStore, planner, kpis, clock: later, mail: port },
      { ...step, ticketId: id, executionName: id, attempt },
    );
    if (result.next !== 'sleep') throw new Error(`expected a sleep, got ${result.next}`);
    return { id, queued, sent, port, from, result };
  }

  /** Another writer's change (a version bump) between the Apply step and the park. */
  async function aChangeLands(id: string) {
    const current = (await ticketStore.getTicket('techflow', id))!;
    const ticket = {
      ...current.ticket,
      version: current.ticket.version + 1,
      updatedAt: later.now().toISOString(),
    };
    await ticketStore.commitChange({ ticket, activity: current.activity }, current.ticket.version);
  }

  /** A ticket created through the service, its acknowledgement claimed for the first Apply step. */
  async function created1(leaseClock: Clock) {
    const service = serviceAtCreation(firstNoticesFor(leaseClock));
    const body = CreateTicketBody.parse({ subject: 'Printer on fire', description: 'Smoke everywhere' });
    return (await service.createTicket(customer, body)).ticket.id;
  }

  it('the first Apply step sends the acknowledgement the create claimed for it, and the park writes everything once', async () => {
    const { id, queued, sent, from, result } = await firstStep(0);
    expect(queued.map((m) => [m.id, m.status, m.claimedFor])).toEqual([
      ['notify:acknowledgement:ticket-created', 'pending', id],
    ]);
    expect(sent).toEqual(['c1@example.com']);
    // The history carries no ticket content: no subject, body or address.
    expect(JSON.stringify(result)).not.toMatch(/Printer|Smoke|@example\.com/);
    const parked = await parkWorkflow(
      { store: ticketStore, signals: signals([]), kpis },
      { taskToken: 'token-one', plan: toSleepPlan(result) },
    );
    expect(parked.parked).toBe(true);
    // One read, one ticket write (the park's), the Message-ID map; the suppression check rode on intake's read.
    expect(count(from)).toEqual({ Query: 1, UpdateItem: 1, PutItem: 1 });
    const after = (await ticketStore.getTicket('techflow', id))!;
    expect(after.outbox!.map((m) => [m.status, m.claimedUntil, m.claimedFor])).toEqual([
      ['sent', undefined, undefined],
    ]);
    expect(after.sla!.actions.map((a) => a.id)).toContain('notify:acknowledgement:ticket-created');
    expect(after.workflow).toMatchObject({ taskToken: 'token-one', executionName: id });
    expect(after.workflowDueSince).toBeUndefined();
    expect(after.mailPendingSince).toBeUndefined();
  });

  it('a ticket created before the change (nothing claimed for the step) has its first step claim the acknowledgement in its own write', async () => {
    const id = '01J0000000000000000ACKOLD1';
    await newTicket(id);
    const { sender, sent } = recordingSender();
    const port = outboundMailPort(deliveryDeps(sender, later, { now: () => new Date() }));
    const from = calls.length;
    const result = await checkTicketSla(
      { store: ticketStore, planner, kpis, clock: later, mail: port },
      { ...step, ticketId: id, executionName: id, attempt: 0 },
    );
    if (result.next !== 'sleep') throw new Error(`expected a sleep, got ${result.next}`);
    expect(result.progress).toBeUndefined();
    const parked = await parkWorkflow(
      { store: ticketStore, signals: signals([]), kpis },
      { taskToken: 'token-old', plan: toSleepPlan(result) },
    );
    expect(parked.parked).toBe(true);
    expect(sent).toEqual(['c1@example.com']);
    expect(count(from)).toEqual({ Query: 1, UpdateItem: 2, GetItem: 1, PutItem: 1 });
    const after = (await ticketStore.getTicket('techflow', id))!;
    expect(after.outbox!.map((m) => m.status)).toEqual(['sent']);
  });

  it('a retry of the first step leaves the claimed acknowledgement to the lease (the first attempt may have sent it)', async () => {
    const { id, sent, result } = await firstStep(1);
    expect(sent).toEqual([]);
    await parkWorkflow(
      { store: ticketStore, signals: signals([]), kpis },
      { taskToken: 'token-retry', plan: toSleepPlan(result) },
    );
    // Listed for the mail sweep, which takes it once the create's lease is over.
    const after = (await ticketStore.getTicket('techflow', id))!;
    expect(after.outbox!.map((m) => m.status)).toEqual(['pending']);
    expect(after.mailPendingSince).toBeDefined();
  });

  it('a change between Apply and park is seen: the park wakes the workflow, the acknowledgement is recorded once', async () => {
    const { id, sent, port, result } = await firstStep(0);
    await aChangeLands(id);
    const woken: string[] = [];
    const parked = await parkWorkflow(
      { store: ticketStore, signals: signals(woken), kpis },
      { taskToken: 'token-race', plan: toSleepPlan(result) },
    );
    expect(parked.parked).toBe(false);
    expect(woken).toEqual(['token-race']);
    const between = (await ticketStore.getTicket('techflow', id))!;
    expect(between.outbox!.map((m) => m.status)).toEqual(['sent']);
    expect(between.workflow?.taskToken).toBeUndefined();
    // The woken step plans from the latest version: it records the acknowledgement's action, sends nothing more.
    const again = await checkTicketSla(
      { store: ticketStore, planner, kpis, clock: later, mail: port },
      { ...step, ticketId: id, executionName: id, cycle: 1, attempt: 0 },
    );
    if (again.next !== 'sleep') throw new Error(`expected a sleep, got ${again.next}`);
    await parkWorkflow(
      { store: ticketStore, signals: signals([]), kpis },
      { taskToken: 'token-after', plan: toSleepPlan(again) },
    );
    expect(sent).toEqual(['c1@example.com']);
    const after = (await ticketStore.getTicket('techflow', id))!;
    expect(after.sla!.actions.filter((a) => a.id === 'notify:acknowledgement:ticket-created')).toHaveLength(
      1,
    );
    expect(after.outbox).toHaveLength(1);
    expect(after.workflow?.taskToken).toBe('token-after');
    expect(after.workflowDueSince).toBeUndefined();
  });

  it('an escalation whose park lost a race is applied once, by the next step', async () => {
    const id = '01J0000000000000000ONEESC1';
    await newTicket(id);
    const escalating = (at: Date): Clock => ({ now: () => at });
    // Due at once, no notice: the step leaves its write to the park.
    const escalation: SlaPlanner = (ticket) => ({
      packVersion: 'test@1',
      actions: [
        {
          id: 'escalate:test:1',
          kind: 'escalate',
          at: ticket.createdAt,
          toTier: 2,
          rule: 'test',
          summary: 'Escalated to tier 2',
        },
      ],
      nextCheckpoint: null,
    });
    const first = await checkTicketSla(
      { store: ticketStore, planner: escalation, kpis, clock: escalating(later.now()) },
      { ...step, ticketId: id, executionName: id, attempt: 0 },
    );
    if (first.next !== 'sleep') throw new Error(`expected a sleep, got ${first.next}`);
    expect(first.progress?.escalated?.tier).toBe(2);
    expect((await ticketStore.getTicket('techflow', id))!.ticket.tier).toBe(1);
    await aChangeLands(id);
    const lost = await parkWorkflow(
      { store: ticketStore, signals: signals([]), kpis },
      { taskToken: 'token-lost', plan: toSleepPlan(first) },
    );
    expect(lost.parked).toBe(false);
    expect((await ticketStore.getTicket('techflow', id))!.sla!.actions).toEqual([]);
    const second = await checkTicketSla(
      { store: ticketStore, planner: escalation, kpis, clock: escalating(later.now()) },
      { ...step, ticketId: id, executionName: id, cycle: 1, attempt: 0 },
    );
    if (second.next !== 'sleep') throw new Error(`expected a sleep, got ${second.next}`);
    const won = await parkWorkflow(
      { store: ticketStore, signals: signals([]), kpis },
      { taskToken: 'token-won', plan: toSleepPlan(second) },
    );
    expect(won.parked).toBe(true);
    const after = (await ticketStore.getTicket('techflow', id))!;
    expect(after.ticket.tier).toBe(2);
    expect(after.sla!.actions.map((a) => a.id)).toEqual(['escalate:test:1']);
    expect(after.activity.filter((a) => a.type === 'tier-changed')).toHaveLength(1);
    expect(after.workflow?.parkedVersion).toBe(after.ticket.version);
  });
});
