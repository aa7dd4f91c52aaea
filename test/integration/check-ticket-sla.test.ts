import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KpiRecorder, kpiRecorder } from '#shared/kpis/recorder.ts';
import type { BlobStore } from '#shared/objects/ports.ts';
import { dynamoKpiRollupStore } from '#shared/store/kpi-rollup-store.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { CreateTicketBody, openTicket } from '#shared/tickets/commands.ts';
import { GENERIC_DESK_DEFAULTS } from '#shared/tickets/desk-policy.ts';
import type { TicketStore } from '#shared/tickets/ports.ts';
import { checkTicketSla, MAX_EXECUTION_AGE_MS } from '#shared/workflow/check-ticket-sla.ts';
import { firstNoticesFor } from '#shared/workflow/first-notices.ts';
import { parkWorkflow } from '#shared/workflow/park-workflow.ts';
import { policyPackPlanner } from '#shared/workflow/policy-planner.ts';
import type { WorkflowSignals } from '#shared/workflow/signals.ts';
import { DEFAULT_FIRST_RESPONSE_MINUTES, fixedFirstResponsePlanner } from '#shared/workflow/sla-planner.ts';
import { toSleepPlan } from '#shared/workflow/sleep-step.ts';
import { startDynalite } from '../support/dynalite.ts';
import { enterpriseCustomer } from '../support/principals.ts';

const noBlobs: BlobStore = { put: async () => {}, getText: async () => '' };
let db: Awaited<ReturnType<typeof startDynalite>>;
let store: TicketStore;
let kpis: KpiRecorder;
const planner = policyPackPlanner(fixedFirstResponsePlanner(DEFAULT_FIRST_RESPONSE_MINUTES));
const customer = enterpriseCustomer;
const created = new Date('2030-01-07T15:00:00Z');

beforeAll(async () => {
  db = await startDynalite();
  store = dynamoTicketStore(db.doc, db.tableName, noBlobs);
  kpis = kpiRecorder(dynamoKpiRollupStore(db.doc, db.tableName));
});
afterAll(() => db.stop());

async function newTicket(id: string) {
  const body = CreateTicketBody.parse({ subject: 'Down', description: 'x', priority: 'urgent' });
  const change = openTicket({
    principal: customer,
    body,
    id,
    now: created,
    defaults: GENERIC_DESK_DEFAULTS,
  });
  await store.putNewTicket(change);
  return change.ticket;
}

describe('the Apply step (check-ticket-sla) against DynamoDB', () => {
  it('applies each due action once, however often it runs', async () => {
    const ticket = await newTicket('01J000000000000000000APPLY');
    const at = new Date(created.getTime() + 20 * 60_000); // past TechFlow Enterprise P1's 15 minutes
    const input = { ticketId: ticket.id, desk: 'techflow', executionName: ticket.id };
    const first = await checkTicketSla({ store, planner, kpis, clock: { now: () => at } }, input);
    const second = await checkTicketSla({ store, planner, kpis, clock: { now: () => at } }, input);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(second.applied).toEqual([]);
    const stored = await store.getTicket('techflow', ticket.id);
    const ids = stored!.sla!.actions.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(stored!.workflowDueSince).toBeUndefined();
    expect(first.next).toBe('sleep');
  });

  it('hands over to a new execution before the one-year limit', async () => {
    const ticket = await newTicket('01J000000000000000000AGING');
    const input = { ticketId: ticket.id, desk: 'techflow', executionName: ticket.id };
    // The execution's first step records when it started; later steps measure its age from that.
    const first = await checkTicketSla({ store, planner, kpis, clock: { now: () => created } }, input);
    expect(first.next).toBe('sleep');
    const now = new Date(created.getTime() + MAX_EXECUTION_AGE_MS + 1000);
    const result = await checkTicketSla({ store, planner, kpis, clock: { now: () => now } }, input);
    expect(result).toMatchObject({ next: 'continue-as-new', nextGeneration: 2 });
    if (result.next === 'continue-as-new')
      expect(result.nextExecutionName).toMatch(new RegExp(`^${ticket.id}-g2-`));
  });

  it('stops when the ticket no longer exists', async () => {
    const result = await checkTicketSla(
      { store, planner, kpis, clock: { now: () => created } },
      { ticketId: '01J0000000000000000MISSING', desk: 'techflow', executionName: 'x' },
    );
    expect(result.next).toBe('stop');
  });
});

describe('the KPI change of a step whose park writes its progress', () => {
  const noSignals: WorkflowSignals = {
    start: async () => ({ started: true }),
    wake: async () => ({ woken: true }),
    end: async () => {},
    status: async () => undefined,
  } as unknown as WorkflowSignals;

  it('is added once after the park’s write, left on no ticket for the next step, and added by a retried park if its first run died before the days', async () => {
    // Created as the API creates it: the acknowledgement queued for the first step, so that step owes no write.
    const change = openTicket({
      principal: customer,
      body: CreateTicketBody.parse({ subject: 'Down', description: 'x', priority: 'urgent' }),
      id: '01J000000000000000000KPIPK',
      now: created,
      defaults: GENERIC_DESK_DEFAULTS,
    });
    const ticket = change.ticket;
    const outbox = firstNoticesFor({ now: () => new Date() })(ticket, change.activity);
    await store.putNewTicket({ ...change, outbox });
    const rollups = dynamoKpiRollupStore(db.doc, db.tableName);
    const leftovers: string[] = [];
    const added: string[] = [];
    const counting = kpiRecorder({
      ...rollups,
      finishLeftover: (desk, change) => {
        leftovers.push(change.token);
        return rollups.finishLeftover(desk, change);
      },
      addChange: (desk, change) => {
        added.push(change.token);
        return rollups.addChange(desk, change);
      },
    });
    const at = { now: () => new Date(created.getTime() + 60_000) };
    const input = {
      ticketId: ticket.id,
      desk: 'techflow',
      executionName: ticket.id,
      parkRecordsProgress: true,
      attempt: 0,
    };
    const result = await checkTicketSla({ store, planner, kpis: counting, clock: at }, input);
    if (result.next !== 'sleep' || !result.progress?.kpi)
      throw new Error('expected a sleep with a KPI change');
    const token = result.progress.kpi.change.token;
    expect(added).toEqual([]);
    // The first run of the park writes and dies before the days: its write alone lands.
    const plan = toSleepPlan(result);
    expect(
      await store.parkWorkflow('techflow', ticket.id, {
        taskToken: 'token-died',
        seenVersion: result.seenVersion,
        until: result.wakeAt,
        progress: result.progress,
      }),
    ).toBe(true);
    // The sleeping step retries it: the retry finds its own write, parks and adds the change.
    const retried = await parkWorkflow(
      { store, signals: noSignals, kpis: counting },
      { taskToken: 'token-retried', plan },
    );
    expect(retried.parked).toBe(true);
    expect(added).toEqual([token]);
    const parked = (await store.getTicket('techflow', ticket.id))!;
    expect(parked.workflow?.taskToken).toBe('token-retried');
    expect(parked.kpiChange).toBeUndefined();
    expect(parked.kpi?.seq).toBe(result.progress.kpi.share.seq);
    // The next step finds no leftover to finish (no request for it).
    await checkTicketSla({ store, planner, kpis: counting, clock: at }, { ...input, cycle: 1 });
    expect(leftovers).toEqual([]);
  });
});
