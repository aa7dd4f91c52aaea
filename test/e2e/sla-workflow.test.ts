import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

let t: TestStack;
let sfn: SFNClient;
let customer: string;
let agent: string;

beforeAll(async () => {
  t = await startTestStack();
  // A plain SDK client against the local endpoint: the same calls ops make on AWS.
  sfn = new SFNClient({
    endpoint: t.stack.urls.stepfunctions,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  // TechFlow Enterprise: "Priority 1 ... Response: 15 minutes (Enterprise)", 24/7 (docs/policies/001-techflow.txt).
  customer = await t.token('customer', 'techflow', { plan: 'enterprise' });
  agent = await t.token('agent', 'techflow');
});
afterAll(async () => {
  sfn.destroy();
  await t.stop();
});

const arnOf = (name: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

async function history(name: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: arnOf(name), nextToken, maxResults: 200 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

async function status(name: string) {
  return (await sfn.send(new DescribeExecutionCommand({ executionArn: arnOf(name) }))).status;
}

async function openTicket(priority = 'urgent') {
  const res = await t.call('POST', '/tickets', {
    token: customer,
    json: { subject: 'Checkout fails', description: 'HTTP 500', priority },
  });
  expect(res.status).toBe(201);
  await eventuallyParked(res.body.id);
  return res.body as { id: string; createdAt: string };
}

/** The workflow has planned from the ticket's current version and is asleep. */
async function eventuallyParked(id: string) {
  await t.stack.settle();
  return eventually(async () => {
    const stored = await t.call('GET', `/tickets/${id}`, { token: agent });
    return stored.body.sla?.packVersion ? stored.body : undefined;
  }, `workflow of ${id} to plan`);
}

async function advance(duration: string) {
  const res = await t.call('POST', '/_local/clock', { json: { advance: duration } });
  expect(res.status).toBe(200);
}

async function patch(id: string, body: unknown, token = agent) {
  const current = await t.call('GET', `/tickets/${id}`, { token });
  const res = await t.call('PATCH', `/tickets/${id}`, {
    token,
    json: body,
    headers: { 'if-match': current.headers.get('etag')! },
  });
  expect(res.status).toBe(200);
  await t.stack.settle();
  return res.body;
}

/** A public agent reply, settled. */
async function agentSays(id: string, body: string) {
  const res = await t.call('POST', `/tickets/${id}/messages`, { token: agent, json: { body } });
  expect(res.status).toBe(201);
  await t.stack.settle();
}

const breachOf = (ticket: { sla?: { actions: Array<{ kind: string; at: string; metric?: string }> } }) =>
  ticket.sla?.actions.find((a) => a.kind === 'breach' && a.metric === 'first-response');

describe('the per-ticket SLA workflow on the local engine', () => {
  it('starts one execution per ticket, named after it', async () => {
    const ticket = await openTicket();
    expect(await status(ticket.id)).toBe('RUNNING');
    const list = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: t.stack.stateMachineArn, statusFilter: 'RUNNING' }),
    );
    expect(list.executions?.filter((e) => e.name === ticket.id)).toHaveLength(1);
  });

  it('the first step sends the acknowledgement the create claimed for it, and no history event carries ticket content', async () => {
    const ticket = await openTicket('normal');
    const read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    const ack = read.body.mail.find((m: { id: string }) => m.id === 'notify:acknowledgement:ticket-created');
    expect(ack).toMatchObject({ status: 'sent', attempts: 1 });
    expect(read.body.sla.actions.map((a: { id: string }) => a.id)).toContain(
      'notify:acknowledgement:ticket-created',
    );
    const events = JSON.stringify(await history(ticket.id));
    expect(events).toContain('Mail sent: notify:acknowledgement:ticket-created');
    for (const content of ['Checkout fails', 'HTTP 500', read.body.requester.email])
      expect(events).not.toContain(content);
  });

  it('breaches at the pack target, escalates to Level 2 after 2 hours, and records both', async () => {
    const ticket = await openTicket('urgent');
    const at = (minutes: number) => new Date(Date.parse(ticket.createdAt) + minutes * 60_000).toISOString();
    await advance('PT10M');
    let read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(breachOf(read.body)).toBeUndefined();
    await advance('PT6M');
    read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(breachOf(read.body)?.at).toBe(at(15));
    expect(read.body.sla.actions.find((a: { kind: string }) => a.kind === 'warn')?.at).toBe(at(11.25));
    expect(read.body.tier).toBe(1);
    // "Level 2 - Senior Support Engineer ... Escalated after 2 hours (Priority 1)"
    await advance('PT2H');
    read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(read.body.tier).toBe(2);
    expect(read.body.sla.actions.find((a: { kind: string }) => a.kind === 'escalate')?.at).toBe(at(120));
    // The customer never sees the internal SLA bookkeeping.
    const asCustomer = await t.call('GET', `/tickets/${ticket.id}`, { token: customer });
    expect(asCustomer.body.sla).toBeUndefined();

    const events = await history(ticket.id);
    const outputs = events
      .filter((e) => e.type === 'LambdaFunctionSucceeded')
      .map((e) => e.lambdaFunctionSucceededEventDetails?.output ?? '');
    expect(outputs.some((o) => o.includes('first-response #1: target 15 calendar min missed'))).toBe(true);
    expect(events.some((e) => e.type === 'TaskTimedOut')).toBe(true);
    const entered = events
      .filter((e) => e.type?.endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toContain('Sleep until the next SLA checkpoint or a ticket change');
    // Timestamps are on the virtual clock: the breach step ran at least 75 minutes after the start.
    const start = events[0]!.timestamp!.getTime();
    expect(events.at(-1)!.timestamp!.getTime() - start).toBeGreaterThanOrEqual(136 * 60_000);
  });

  it('does not breach when an agent answers publicly before the target', async () => {
    const ticket = await openTicket('urgent');
    await advance('PT5M');
    const reply = await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: agent,
      json: { body: 'On it.' },
    });
    expect(reply.status).toBe(201);
    await t.stack.settle();
    await advance('PT1H');
    const read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(breachOf(read.body)).toBeUndefined();
    expect(read.body.sla.actions.some((a: { kind: string }) => a.kind === 'warn')).toBe(false);
  });

  it('an internal note does not stop the first-response clock', async () => {
    const ticket = await openTicket('urgent');
    await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: agent,
      json: { body: 'checking logs', visibility: 'internal' },
    });
    await t.stack.settle();
    await advance('PT16M');
    const read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(breachOf(read.body)).toBeDefined();
  });

  it('a priority raise while the workflow sleeps pulls the deadline in at once', async () => {
    const ticket = await openTicket('normal'); // P3 Enterprise: 4 hours
    await advance('PT2H');
    let read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(breachOf(read.body)).toBeUndefined();
    // P1 Enterprise means 15 minutes: two hours in, the ticket is breached now, without moving the clock.
    await patch(ticket.id, { priority: 'urgent' });
    read = await eventually(async () => {
      const r = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
      return breachOf(r.body) ? r : undefined;
    }, 'the breach after the raise');
    const raisedAt = read.body.updatedAt;
    expect(Date.parse(breachOf(read.body)!.at)).toBeGreaterThanOrEqual(
      Date.parse(ticket.createdAt) + 2 * 3600_000,
    );
    expect(Date.parse(breachOf(read.body)!.at)).toBeLessThanOrEqual(Date.parse(raisedAt));
    const events = await history(ticket.id);
    const woken = events
      .filter((e) => e.type === 'TaskSucceeded')
      .map((e) => e.taskSucceededEventDetails?.output ?? '');
    expect(woken.some((o) => o.includes('priority-changed to urgent'))).toBe(true);
  });

  it('a priority raise followed at once by one move across warning, breach and escalation applies all three during that move', async () => {
    // P3 Enterprise (4 hours) raised to P1 (15 minutes, warned at 75 %, Level 2 after 2 hours), then
    // the clock moved at once, while the woken workflows have planned their next sleep but not yet
    // armed it: parking fails once, so each waits its retry interval (2 s) when the move comes.
    const tickets = await Promise.all([1, 2, 3, 4].map(() => openTicket('normal')));
    const etags = await Promise.all(
      tickets.map(async (ticket) => (await t.call('GET', `/tickets/${ticket.id}`, { token: agent })).headers),
    );
    const fault = await t.call('POST', '/_local/faults', {
      json: { lambda: 'tierdesk-park-ticket-workflow', count: tickets.length },
    });
    expect(fault.status).toBe(200);
    await Promise.all(
      tickets.map(async (ticket, i) => {
        const res = await t.call('PATCH', `/tickets/${ticket.id}`, {
          token: agent,
          json: { priority: 'urgent' },
          headers: { 'if-match': etags[i]!.get('etag')! },
        });
        expect(res.status).toBe(200);
      }),
    );
    await t.stack.settle();
    await advance('PT2H1M');
    for (const ticket of tickets) {
      const at = (minutes: number) => new Date(Date.parse(ticket.createdAt) + minutes * 60_000).toISOString();
      // Applied by the time the move has settled; the short poll only covers reading our own writes.
      const read = await eventually(
        async () => {
          const r = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
          return r.body.tier === 2 ? r : undefined;
        },
        `the escalation of ${ticket.id} without a further move`,
        3_000,
      );
      const kinds = read.body.sla.actions.map((a: { kind: string }) => a.kind);
      expect(kinds).toEqual(expect.arrayContaining(['warn', 'breach', 'escalate']));
      expect(breachOf(read.body)?.at).toBe(at(15));
      expect(read.body.sla.actions.find((a: { kind: string }) => a.kind === 'escalate')?.at).toBe(at(120));
    }
  });

  it('changes that move no checkpoint earlier wake nobody; warning, breach and escalation still fire at their exact instants in one move across all three', async () => {
    const ticket = await openTicket('urgent'); // P1 Enterprise: 15 minutes, warned at 75 %, Level 2 after 2 hours
    const at = (minutes: number) => new Date(Date.parse(ticket.createdAt) + minutes * 60_000).toISOString();
    await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: agent,
      json: { body: 'looking at the checkout logs', visibility: 'internal' },
    });
    await t.call('POST', `/tickets/${ticket.id}/messages`, {
      token: customer,
      json: { body: 'Still failing.' },
    });
    await patch(ticket.id, { status: 'open' });
    await advance('PT2H1M');
    const read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    const applied = (kind: string) =>
      read.body.sla.actions.find((a: { kind: string; metric?: string }) => a.kind === kind)?.at;
    expect(applied('warn')).toBe(at(11.25));
    expect(breachOf(read.body)?.at).toBe(at(15));
    expect(applied('escalate')).toBe(at(120));
    expect(read.body.tier).toBe(2);
    // Every wake of this execution was a checkpoint (a timeout); no change woke it.
    const events = await history(ticket.id);
    expect(events.filter((e) => e.type === 'TaskSucceeded')).toEqual([]);
    expect(events.filter((e) => e.type === 'TaskTimedOut').length).toBeGreaterThanOrEqual(1);
  });

  it('a first public answer wakes nobody (its commit writes the KPI share), and no warning follows', async () => {
    const ticket = await openTicket('urgent');
    await advance('PT5M');
    await agentSays(ticket.id, 'On it.');
    await t.stack.settle();
    expect((await history(ticket.id)).filter((e) => e.type === 'TaskSucceeded')).toEqual([]);
    await advance('PT20M');
    const read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(read.body.sla.actions.filter((a: { kind: string }) => a.kind !== 'notify')).toEqual([]);
    // It woke at the warning instant it slept towards, found the ticket answered and applied nothing.
    expect((await history(ticket.id)).filter((e) => e.type === 'TaskTimedOut')).toHaveLength(1);
  });

  it('a customer reply that resumes a paused clock wakes the workflow at once', async () => {
    const ticket = await openTicket('urgent');
    await agentSays(ticket.id, 'Which browser?');
    await patch(ticket.id, { status: 'pending' });
    // A week later (every planned wake has passed), the customer answers: the clocks run again.
    await advance('P8D');
    const before = (await history(ticket.id)).filter((e) => e.type === 'TaskSucceeded').length;
    await t.call('POST', `/tickets/${ticket.id}/messages`, { token: customer, json: { body: 'Firefox.' } });
    await t.stack.settle();
    const woken = (await history(ticket.id))
      .filter((e) => e.type === 'TaskSucceeded')
      .map((e) => e.taskSucceededEventDetails?.output ?? '');
    expect(woken.length).toBe(before + 1);
    expect(woken.at(-1)).toContain('customer-message');
  });

  it('closing the ticket ends the execution at once, and a ticket answered once, solved and closed takes 3 transitions', async () => {
    const ticket = await openTicket('high');
    await agentSays(ticket.id, 'Fixed in 4.2.1');
    await patch(ticket.id, { status: 'solved' });
    await patch(ticket.id, { status: 'closed' });
    await eventually(
      async () => ((await status(ticket.id)) === 'SUCCEEDED' ? true : undefined),
      'the execution to end',
    );
    const events = await history(ticket.id);
    const entered = events
      .filter((e) => e.type?.endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails?.name);
    // The closing change ended the sleeping task; one last Apply step recorded the closed ticket.
    const failed = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails);
    expect(failed).toEqual([
      expect.objectContaining({ error: 'Workflow.Closed', cause: 'status-changed to closed' }),
    ]);
    expect(entered.at(-1)).toBe('Apply the last SLA actions: the ticket is closed');
    const last = events.filter((e) => e.type === 'LambdaFunctionSucceeded').at(-1);
    expect(last?.lambdaFunctionSucceededEventDetails?.output).toContain('The ticket is closed');
    // Start (Apply, Sleep), the closing (one Apply); the survey on solving waits for the outbound
    // sweep (or, closed this soon, goes out with the closing's Apply step) without a wake of its own.
    expect(entered.length).toBe(3);
  });
});

describe('no ticket without a workflow', () => {
  it('starts the workflow through the reconciler when StartExecution is throttled', async () => {
    await t.call('POST', '/_local/faults', {
      json: { operation: 'StartExecution', count: 10, kind: 'throttle' },
    });
    const res = await t.call('POST', '/tickets', {
      token: customer,
      json: { subject: 'Throttled', description: 'x' },
    });
    expect(res.status).toBe(201);
    await expect(status(res.body.id)).rejects.toThrow(/Does Not Exist/);
    await t.call('POST', '/_local/faults', { json: { operation: 'StartExecution', count: 0 } });
    await advance('PT2M');
    await eventually(
      async () => ((await status(res.body.id)) === 'RUNNING' ? true : undefined),
      'the reconciler to start it',
    );
  });

  it('starts it when the connection drops mid-call (the process never heard back)', async () => {
    await t.call('POST', '/_local/faults', {
      json: { operation: 'StartExecution', count: 10, kind: 'drop' },
    });
    const res = await t.call('POST', '/tickets', {
      token: customer,
      json: { subject: 'Dropped', description: 'x' },
    });
    expect(res.status).toBe(201);
    await t.call('POST', '/_local/faults', { json: { operation: 'StartExecution', count: 0 } });
    const report = await t.call('POST', '/_local/jobs/reconcile-workflows');
    expect(report.status).toBe(200);
    await advance('PT2M');
    await eventually(
      async () => ((await status(res.body.id)) === 'RUNNING' ? true : undefined),
      'the reconciler to start it',
    );
  });

  it('a duplicate start is harmless: one execution, still running', async () => {
    const ticket = await openTicket('low');
    const reconciled = await t.stack.runJob('reconcile-workflows');
    expect(JSON.stringify(reconciled)).not.toContain(ticket.id);
    const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn: t.stack.stateMachineArn }));
    expect(list.executions?.filter((e) => e.name?.startsWith(ticket.id))).toHaveLength(1);
  });

  it('a closing whose signal is lost still ends the execution: the reconciler wakes it and the sleeping step stops the loop', async () => {
    const ticket = await openTicket('normal');
    const fault = await t.call('POST', '/_local/faults', {
      json: { operation: 'SendTaskFailure', count: 10, kind: 'throttle' },
    });
    expect(fault.status).toBe(200);
    await patch(ticket.id, { status: 'closed' });
    await t.call('POST', '/_local/faults', { json: { operation: 'SendTaskFailure', count: 0 } });
    expect(await status(ticket.id)).toBe('RUNNING');
    await eventually(async () => {
      await advance('PT1M'); // the reconciler runs every minute of virtual time
      return (await status(ticket.id)) === 'SUCCEEDED' ? true : undefined;
    }, 'the reconciler to wake the workflow, which then stops');
    const events = await history(ticket.id);
    const failed = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(failed).toEqual(['Workflow.Stop']);
    expect(
      events.filter((e) => e.type?.endsWith('StateEntered')).at(-1)?.stateEnteredEventDetails?.name,
    ).toBe('Stop: the ticket is closed');
  });

  it('wakes the workflow through the reconciler when SendTaskSuccess fails', async () => {
    const ticket = await openTicket('normal');
    await t.call('POST', '/_local/faults', {
      json: { operation: 'SendTaskSuccess', count: 10, kind: 'throttle' },
    });
    await patch(ticket.id, { priority: 'urgent' });
    await t.call('POST', '/_local/faults', { json: { operation: 'SendTaskSuccess', count: 0 } });
    const at = (minutes: number) => new Date(Date.parse(ticket.createdAt) + minutes * 60_000).toISOString();
    // The wake was lost: the workflow still sleeps towards the P3 warning (75 % of 4 h).
    const read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(read.body.sla.nextCheckpoint).toBe(at(180));
    await eventually(async () => {
      await advance('PT1M'); // the reconciler runs every minute of virtual time
      const r = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
      return r.body.sla.nextCheckpoint === at(11.25) ? r : undefined;
    }, 'the reconciler to wake the workflow onto the P1 deadline');
  });
});
