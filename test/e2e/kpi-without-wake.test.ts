import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/*
 * A change the KPI roll-ups count (TechFlow counts every public agent reply: a first response, then
 * each periodic update) is written into the roll-ups by the change's own commit: the report has it at
 * once and the sleeping SLA workflow is not woken for it (its execution history does not grow).
 */
let t: TestStack;
let customer: string;
let agent: string;
let lead: string;

beforeAll(async () => {
  t = await startTestStack();
  customer = await t.token('customer', 'techflow', { plan: 'enterprise' });
  agent = await t.token('agent', 'techflow');
  lead = await t.token('lead', 'techflow');
  const res = await t.call('POST', '/_local/clock', { json: { set: '2031-09-02T10:00:00Z' } });
  expect(res.status).toBe(200);
});
afterAll(() => t.stop());

const arnOf = (id: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`;
const transitions = (id: string) =>
  t.stack.stepFunctions.getExecutionHistory(arnOf(id)).filter((e) => e.type.endsWith('StateEntered')).length;

async function advance(duration: string) {
  const res = await t.call('POST', '/_local/clock', { json: { advance: duration } });
  expect(res.status).toBe(200);
}

async function says(token: string, id: string, body: string) {
  const res = await t.call('POST', `/tickets/${id}/messages`, { token, json: { body } });
  expect(res.status).toBe(201);
  await t.stack.settle();
}

const firstResponse = async () => {
  const res = await t.call('GET', '/kpis?period=30d', { token: lead });
  expect(res.status).toBe(200);
  return res.body.kpis.find((k: { kpi: string }) => k.kpi === 'firstResponseTime');
};

describe('KPI moves without a workflow wake (TechFlow)', () => {
  it('replies back and forth are in the KPI report at once, and the sleeping workflow stays asleep', async () => {
    const before = await firstResponse();
    const res = await t.call('POST', '/tickets', {
      token: customer,
      json: { subject: 'Sync stalls', description: 'Since 9:00', priority: 'urgent' },
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await t.stack.settle();
    await eventually(async () => {
      const read = await t.call('GET', `/tickets/${id}`, { token: agent });
      return read.body.sla?.packVersion ? true : undefined;
    }, 'the workflow to plan');
    const asleep = transitions(id);

    await advance('PT5M');
    await says(agent, id, 'Looking at it.');
    const counted = await firstResponse();
    expect(counted.basis).toBe((before?.basis ?? 0) + 1);
    expect(counted.detail.meanMinutes).toBeGreaterThan(0);
    await advance('PT2M');
    await says(customer, id, 'Thanks, it still stalls.');
    await advance('PT3M');
    await says(agent, id, 'Found it: a stuck lock, cleared.');
    expect(transitions(id)).toBe(asleep);
  });
});
