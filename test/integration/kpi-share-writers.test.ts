import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { backfillKpiRollups } from '#shared/kpis/backfill.ts';
import { type KpiRecorder, kpiRecorder } from '#shared/kpis/recorder.ts';
import { localDay, rollUp } from '#shared/kpis/rollups.ts';
import type { BlobStore } from '#shared/objects/ports.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import { newId } from '#shared/runtime/ids.ts';
import { dynamoBanStore } from '#shared/store/ban-store.ts';
import { dynamoKpiBackfillSource } from '#shared/store/kpi-backfill-source.ts';
import { dynamoKpiRollupStore } from '#shared/store/kpi-rollup-store.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { banService } from '#shared/tickets/bans.ts';
import { deskDefaultsFor } from '#shared/tickets/desk-policy.ts';
import type { StoredTicket, TicketStore } from '#shared/tickets/ports.ts';
import { ticketService } from '#shared/tickets/service.ts';
import { NO_STAFF } from '#shared/tickets/staff-directory.ts';
import { checkTicketSla } from '#shared/workflow/check-ticket-sla.ts';
import { policyPackPlanner } from '#shared/workflow/policy-planner.ts';
import { DEFAULT_FIRST_RESPONSE_MINUTES, fixedFirstResponsePlanner } from '#shared/workflow/sla-planner.ts';
import { startDynalite } from '../support/dynalite.ts';
import { enterpriseCustomer } from '../support/principals.ts';

/*
 * Two writers of a ticket's KPI share: the API's commit of a change and the workflow's Apply step.
 * Whatever the order, the desk's days hold exactly what the ticket contributes (compared with the
 * in-memory roll-up of the ticket as stored), and a KPI move alone wakes nobody.
 */

const noBlobs: BlobStore = { put: async () => {}, getText: async () => '' };
const planner = policyPackPlanner(fixedFirstResponsePlanner(DEFAULT_FIRST_RESPONSE_MINUTES));
const desk = 'techflow';
const pack = getPolicyPack(desk);
/** Each test's ticket is created on a day of its own, so each day's roll-up holds one ticket. */
let created = new Date('2030-01-07T15:00:00Z');
const minutesIn = (minutes: number) => new Date(created.getTime() + minutes * 60_000);
const agent: Principal = { ...enterpriseCustomer, id: 'a1', role: 'agent', email: 'a1@example.com' };

let db: Awaited<ReturnType<typeof startDynalite>>;
let store: TicketStore;
let kpis: KpiRecorder;
let rollups: ReturnType<typeof dynamoKpiRollupStore>;
let now = created;
const clock = { now: () => now };
const woken: string[] = [];
const signals = {
  start: async () => {},
  wake: async (_token: string, input: { wokenBy: string }) => {
    woken.push(input.wokenBy);
    return 'signalled' as const;
  },
  end: async () => 'signalled' as const,
  status: async () => 'missing' as const,
};

beforeAll(async () => {
  db = await startDynalite();
  store = dynamoTicketStore(db.doc, db.tableName, noBlobs);
  rollups = dynamoKpiRollupStore(db.doc, db.tableName);
  kpis = kpiRecorder(rollups);
});
afterAll(() => db.stop());

const service = (overrides: { store?: TicketStore; kpis?: KpiRecorder } = {}) =>
  ticketService({
    store: overrides.store ?? store,
    clock,
    deskDefaults: () => ({ ...deskDefaultsFor(desk), plan: 'enterprise', priority: 'urgent' }),
    signals: signals as never,
    bans: banService({ bans: dynamoBanStore(db.doc, db.tableName), clock }),
    staff: NO_STAFF,
    kpis: overrides.kpis ?? kpis,
  });

/** A ticket opened through the API, its workflow's first Apply step run and parked on `token`. */
async function parkedTicket(): Promise<string> {
  created = new Date(created.getTime() + 86_400_000);
  now = created;
  const { ticket } = await service().createTicket(enterpriseCustomer, {
    subject: 'Down',
    description: 'Everything is down',
    priority: 'urgent',
  } as never);
  const input = { ticketId: ticket.id, desk, executionName: ticket.id };
  const plan = await checkTicketSla({ store, planner, kpis, clock }, input);
  if (plan.next !== 'sleep') throw new Error('the workflow did not plan a sleep');
  await store.parkWorkflow(desk, ticket.id, {
    taskToken: `token-${ticket.id}`,
    seenVersion: plan.seenVersion,
    until: plan.wakeAt,
    mail: undefined,
  });
  return ticket.id;
}

/**
 * The ticket store with the workflow's Apply step run (20 minutes in: the P1 first response is breached,
 * so the share moves, at the same version) after the API read the ticket and before its first commit.
 */
function workflowStepBeforeCommit(id: string) {
  let raced = false;
  const racing: TicketStore = {
    ...store,
    async commitChange(...args) {
      if (!raced) {
        raced = true;
        now = minutesIn(20);
        await checkTicketSla({ store, planner, kpis, clock }, { ticketId: id, desk, executionName: id });
      }
      return store.commitChange(...args);
    },
  };
  return { store: racing, raced: () => raced };
}

const read = async (id: string) => (await store.getTicket(desk, id)) as StoredTicket;

/** What the days hold of the desk on the ticket's day, and what the ticket as stored contributes at `now`. */
async function daysAndTicket(id: string) {
  const { ticket, activity } = await read(id);
  const day = localDay(pack.timeZone, ticket.createdAt);
  const { days } = await rollups.readDays(desk, day, day);
  const expected = rollUp(pack, [{ ...ticket, activity }], [], now).get(day);
  // A counter that went up and down again reads 0 on the day: the same as absent.
  const held = Object.fromEntries(Object.entries(days.get(day) ?? {}).filter(([, v]) => v !== 0));
  return { held, expected };
}

describe("a ticket's KPI share, written by the API's commit and by the workflow", () => {
  it("an agent's first reply commits the share itself: the days count it, the workflow sleeps on", async () => {
    const id = await parkedTicket();
    woken.length = 0;
    const before = await read(id);
    now = minutesIn(5);
    await service().addMessage(agent, id, { body: 'Looking at it.', visibility: 'public' });
    const stored = await read(id);
    expect(woken).toEqual([]);
    expect(stored.workflowDueSince).toBeUndefined();
    expect(stored.kpi!.seq).toBe(before.kpi!.seq + 1);
    const { held, expected } = await daysAndTicket(id);
    expect(held).toEqual(expected);
    // The workflow, waking at its checkpoint on the same version, computes the same share: nothing to write.
    expect(await kpis.planTicketShare(stored, stored.ticket, stored.activity, now)).toBeUndefined();
    // So does the backfill (npm run kpi-backfill): the day is unchanged after it.
    const source = dynamoKpiBackfillSource(db.doc, db.tableName);
    await backfillKpiRollups({ source, recorder: kpis, clock }, desk, {});
    expect((await daysAndTicket(id)).held).toEqual(expected);
    expect((await read(id)).kpi).toEqual(stored.kpi);
  });

  it('a workflow step that writes the share at the same version between the read and the commit makes the API re-read: nothing added twice or lost', async () => {
    const id = await parkedTicket();
    const racing = workflowStepBeforeCommit(id);
    const before = await read(id);
    now = minutesIn(19);
    await service({ store: racing.store }).addMessage(agent, id, { body: 'On it.', visibility: 'public' });
    const stored = await read(id);
    expect(racing.raced()).toBe(true);
    // The first share, the workflow's, then the API's after its re-read.
    expect(stored.kpi!.seq).toBe(before.kpi!.seq + 2);
    expect(stored.ticket.version).toBe(before.ticket.version + 1);
    const { held, expected } = await daysAndTicket(id);
    expect(held).toEqual(expected);
  });

  it('a status change at the If-Match version is not refused because the workflow wrote the share meanwhile', async () => {
    const id = await parkedTicket();
    const racing = workflowStepBeforeCommit(id);
    const before = await read(id);
    now = minutesIn(19);
    await service({ store: racing.store }).updateTicket(agent, id, { status: 'open' }, before.ticket.version);
    expect(racing.raced()).toBe(true);
    const { held, expected } = await daysAndTicket(id);
    expect(held).toEqual(expected);
  });

  it("a customer's reply by mail takes the same commit: reopening a solved ticket is counted at once", async () => {
    const id = await parkedTicket();
    now = minutesIn(5);
    await service().addMessage(agent, id, { body: 'Fixed.', visibility: 'public' });
    await service().updateTicket(agent, id, { status: 'solved' }, (await read(id)).ticket.version);
    now = minutesIn(30);
    const before = await read(id);
    await service().addEmailReply({
      desk,
      ticketId: id,
      messageId: newId(now),
      requester: { email: enterpriseCustomer.email! },
      subject: 'Re: Down',
      body: 'Still down.',
      tags: [],
      attachments: [],
      email: {
        from: enterpriseCustomer.email!,
        to: 'support@techflow.example',
        subject: 'Re: Down',
        messageId: '<reply-1@example.com>',
      },
    });
    const stored = await read(id);
    expect(stored.ticket.status).toBe('open');
    expect(stored.kpi!.seq).toBe(before.kpi!.seq + 1);
    const { held, expected } = await daysAndTicket(id);
    expect(held).toEqual(expected);
    expect(expected?.reopened).toBe(1);
  });

  it("an API run that dies between the ticket's write and the days' leaves the change on the ticket; the client's retry adds it, once", async () => {
    const id = await parkedTicket();
    now = minutesIn(5);
    const dying: KpiRecorder = {
      ...kpis,
      addChange: async () => {
        throw new Error('crashed');
      },
    };
    const idem = { key: 'retry-1', requestHash: 'h' };
    const reply = { body: 'Looking at it.', visibility: 'public' as const };
    await expect(service({ kpis: dying }).addMessage(agent, id, reply, idem)).rejects.toThrow('crashed');
    const left = await read(id);
    expect(left.kpiChange).toBeDefined();
    const missing = await daysAndTicket(id);
    expect(missing.held).not.toEqual(missing.expected);
    // The retry is a replay (the message is committed) and finishes the change; a second one adds nothing.
    expect((await service().addMessage(agent, id, reply, idem)).replayed).toBe(true);
    await service().addMessage(agent, id, reply, idem);
    const { held, expected } = await daysAndTicket(id);
    expect(held).toEqual(expected);
  });
});
