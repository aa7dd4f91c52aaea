import { describe, expect, it } from 'vitest';
import { ticketContribution } from '../../../shared/kpis/rollups.ts';
import { findPolicyPack } from '../../../shared/policy/packs.ts';
import type { TicketActivity } from '../../../shared/tickets/activity.ts';
import type { Priority, Status, Ticket } from '../../../shared/tickets/model.ts';
import type { StoredTicket } from '../../../shared/tickets/ports.ts';
import { ticketSlaPlanner } from '../../../shared/workflow/first-notices.ts';
import { slaStateOf } from '../../../shared/workflow/policy-planner.ts';
import { mayWaitForSweep, quietChange, wakeForChange } from '../../../shared/workflow/wake-policy.ts';

// A TechFlow Enterprise ticket whose workflow planned at creation and sleeps towards its first checkpoint.
const CREATED = '2031-03-04T15:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(CREATED) + minutes * 60_000);

function ticketOf(priority: Priority, status: Status = 'new', version = 1): Ticket {
  return {
    id: 'T1',
    desk: 'techflow',
    subject: 's',
    status,
    priority,
    plan: 'enterprise',
    channel: 'api',
    tier: 1,
    version,
    createdAt: CREATED,
    updatedAt: CREATED,
    requester: { id: 'c', email: 'c@example.com' },
    assignee: null,
    tags: [],
  } as unknown as Ticket;
}

const created = (priority: Priority): TicketActivity => ({
  at: CREATED,
  by: 'customer',
  type: 'ticket-created',
  priority,
  plan: 'enterprise',
  channel: 'api',
  status: 'new',
});

/** The ticket as its workflow left it: everything due at creation applied, asleep towards the next checkpoint. */
function parked(priority: Priority): StoredTicket {
  const ticket = ticketOf(priority);
  const activity = [created(priority)];
  const plan = slaStateOf(ticket, activity, new Date(CREATED))!;
  return {
    ticket,
    activity,
    sla: {
      actions: plan.actions.map((a) => ({ ...a, appliedAt: CREATED, summary: a.kind })),
      nextCheckpoint: plan.nextCheckpoint,
      packVersion: 'techflow@1',
    },
    workflow: { taskToken: 'token', parkedVersion: 1, sleepingUntil: plan.nextCheckpoint! },
    kpi: {
      seq: 1,
      applied: ticketContribution(findPolicyPack('techflow'), { ...ticket, activity }, new Date(CREATED)),
    },
  };
}

function change(
  before: StoredTicket,
  minutes: number,
  activity: TicketActivity,
  patch: Partial<Ticket> = {},
) {
  const now = at(minutes);
  return {
    before,
    after: {
      ticket: { ...before.ticket, ...patch, version: before.ticket.version + 1 },
      activity: [...before.activity, { ...activity, at: now.toISOString() }],
    },
    now,
    queuesMail: false,
  };
}

const reply = (visibility: 'public' | 'internal'): TicketActivity =>
  ({ at: CREATED, by: 'agent', type: 'agent-reply', visibility, messageId: 'm1' }) as TicketActivity;

describe('which ticket changes wake the sleeping SLA workflow', () => {
  it('the workflow sleeps towards a checkpoint after the creation instant', () => {
    expect(Date.parse(parked('urgent').sla!.nextCheckpoint!)).toBeGreaterThan(Date.parse(CREATED));
  });

  it('a public agent reply is the first response the KPI roll-ups count: its own commit writes the share, nobody is woken', () => {
    expect(wakeForChange(change(parked('urgent'), 5, reply('public'))).wake).toBe(false);
  });

  it('a ticket without a recorded KPI share (written before shares) is not woken for it either', () => {
    const legacy = parked('urgent');
    delete legacy.kpi;
    expect(wakeForChange(change(legacy, 5, reply('public'))).wake).toBe(false);
  });

  it('an internal note changes no clock: nobody is woken', () => {
    expect(wakeForChange(change(parked('urgent'), 5, reply('internal'))).wake).toBe(false);
  });

  it('a priority raise that pulls a deadline before the planned checkpoint wakes it now', () => {
    const before = parked('normal');
    const raised = change(
      before,
      120,
      { at: CREATED, by: 'agent', type: 'priority-changed', from: 'normal', to: 'urgent' } as TicketActivity,
      { priority: 'urgent' },
    );
    const decision = wakeForChange(raised);
    expect(decision.wake).toBe(true);
    expect(decision.why).toMatch(/due now|earlier/);
  });

  it('a priority drop moves checkpoints later; the KPI roll-ups take the new priority from its commit: nobody is woken', () => {
    const lowered = change(
      parked('urgent'),
      5,
      { at: CREATED, by: 'agent', type: 'priority-changed', from: 'urgent', to: 'low' } as TicketActivity,
      { priority: 'low' },
    );
    expect(wakeForChange(lowered).wake).toBe(false);
  });

  it('closing wakes it (its clocks stop now), whatever the checkpoints', () => {
    const closing = change(
      parked('urgent'),
      5,
      { at: CREATED, by: 'agent', type: 'status-changed', from: 'new', to: 'closed' } as TicketActivity,
      { status: 'closed' },
    );
    expect(wakeForChange(closing)).toMatchObject({ wake: true, why: expect.stringMatching(/closed/) });
  });

  it('a change that queues mail wakes it: the workflow is the sender', () => {
    expect(wakeForChange({ ...change(parked('urgent'), 5, reply('public')), queuesMail: true }).wake).toBe(
      true,
    );
  });

  it('a workflow that is not asleep on a plan (planning, or a change already waiting) is woken as before', () => {
    const planning = parked('urgent');
    delete planning.workflow!.taskToken;
    expect(wakeForChange(change(planning, 5, reply('internal'))).wake).toBe(true);
    const waiting = { ...parked('urgent'), workflowDueSince: CREATED };
    expect(wakeForChange(change(waiting, 5, reply('internal'))).wake).toBe(true);
  });

  it('a change at or after the planned checkpoint wakes it (its timer fires now anyway)', () => {
    const before = parked('urgent');
    const minutes = (Date.parse(before.sla!.nextCheckpoint!) - Date.parse(CREATED)) / 60_000;
    expect(wakeForChange(change(before, minutes, reply('internal'))).wake).toBe(true);
  });
});

describe('which notices a change leaves to the outbound sweep instead of a wake', () => {
  const solving = (before: StoredTicket) =>
    change(
      before,
      30,
      { at: CREATED, by: 'agent', type: 'status-changed', from: 'new', to: 'solved' } as TicketActivity,
      { status: 'solved' },
    );

  it('a notice to the customer after the fact may wait; staff notices and other actions may not', () => {
    const survey = { template: 't', audience: 'customer', promiseToCustomer: false };
    expect(mayWaitForSweep({ kind: 'notify', notice: survey })).toBe(true);
    expect(mayWaitForSweep({ kind: 'notify', notice: { ...survey, audience: 'on-call' } })).toBe(false);
    expect(mayWaitForSweep({ kind: 'periodic-update', notice: { ...survey, audience: 'assignee' } })).toBe(
      false,
    );
    expect(mayWaitForSweep({ kind: 'warn', notice: { ...survey, audience: 'assignee' } })).toBe(false);
    expect(mayWaitForSweep({ kind: 'breach' })).toBe(false);
  });

  it('solving a TechFlow ticket makes the survey due: nobody is woken, the change queues it for the sweep', () => {
    const decision = wakeForChange(solving(parked('normal')));
    expect(decision.wake).toBe(false);
    expect(decision.forSweep).toEqual([expect.stringMatching(/satisfaction-survey/)]);
  });

  it("the quiet commit carries the Apply step's own records and entries (same ids), listed since the change", () => {
    const input = solving(parked('normal'));
    const quiet = quietChange(input.before, input.after, input.now, false);
    const planned = ticketSlaPlanner(input.after.ticket, input.after.activity, input.now).actions;
    const survey = planned.find((a) => a.id.includes('satisfaction-survey'))!;
    expect(quiet).toMatchObject({
      quietWhileParkedOn: 'token',
      noticesForSweep: {
        actions: [
          { id: survey.id, rule: survey.rule, summary: survey.summary, appliedAt: input.now.toISOString() },
        ],
        outbound: [{ id: survey.id, kind: 'notice', audience: 'customer', status: 'pending' }],
        listedSince: input.now.toISOString(),
      },
    });
    // A ticket already listed for the sweep keeps its place.
    const listed = { ...input.before, mailPendingSince: CREATED };
    expect(quietChange(listed, input.after, input.now, false).noticesForSweep?.listedSince).toBe(CREATED);
  });

  it('a notice already applied is not due again: a later change queues nothing', () => {
    const input = solving(parked('normal'));
    const quiet = quietChange(input.before, input.after, input.now, false);
    const recorded = {
      ...input.before,
      ticket: input.after.ticket,
      activity: input.after.activity,
      sla: {
        ...input.before.sla!,
        actions: [...input.before.sla!.actions, ...quiet.noticesForSweep!.actions],
      },
    };
    const later = change(recorded, 40, reply('internal'));
    expect(wakeForChange(later)).toMatchObject({ wake: false });
    expect(wakeForChange(later).forSweep).toBeUndefined();
  });

  it('a ticket the workflow has not recorded on yet is woken for the notice, as before', () => {
    const input = solving(parked('normal'));
    delete input.before.sla;
    input.before.workflow!.sleepingUntil = at(600).toISOString();
    expect(wakeForChange(input).wake).toBe(true);
    expect(quietChange(input.before, input.after, input.now, false)).toEqual({});
  });

  it('a change that also needs the workflow (closing, mail it sends) still wakes it', () => {
    const closing = change(
      parked('normal'),
      30,
      { at: CREATED, by: 'agent', type: 'status-changed', from: 'new', to: 'closed' } as TicketActivity,
      { status: 'closed' },
    );
    expect(wakeForChange(closing).wake).toBe(true);
    expect(wakeForChange({ ...solving(parked('normal')), queuesMail: true }).wake).toBe(true);
  });
});
