import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/*
 * Solving a TechFlow ticket makes its satisfaction survey due. The change's own commit records the
 * notice as applied and queues it for the outbound sweep: the sleeping SLA workflow is not woken (its
 * execution history does not grow), the sweep sends the survey once, and the SLA view lists it once.
 */
let t: TestStack;
let customer: string;
let agent: string;
const requester = 'survey-by-sweep@example.com';

beforeAll(async () => {
  t = await startTestStack();
  customer = await t.token('customer', 'techflow', { plan: 'enterprise', email: requester });
  agent = await t.token('agent', 'techflow');
  expect((await t.call('POST', '/_local/clock', { json: { set: '2031-09-02T14:00:00Z' } })).status).toBe(200);
});
afterAll(() => t.stop());

const arnOf = (id: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`;
const transitions = (id: string) =>
  t.stack.stepFunctions.getExecutionHistory(arnOf(id)).filter((e) => e.type.endsWith('StateEntered')).length;
const surveys = async (id: string) =>
  ((await t.call('GET', '/_local/outbox')).body.items as Array<{ to: string[]; text: string }>).filter(
    (m) => m.to.includes(requester) && m.text.includes(`/survey/techflow/${id}`),
  );

async function advance(duration: string) {
  expect((await t.call('POST', '/_local/clock', { json: { advance: duration } })).status).toBe(200);
}

describe('notices due at a change leave through the outbound sweep (TechFlow)', () => {
  it('solving sends the survey once, by the sweep, without waking the workflow', async () => {
    const created = await t.call('POST', '/tickets', {
      token: customer,
      json: { subject: 'Printer offline', description: 'Since this morning' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await t.stack.settle();
    await eventually(async () => {
      const read = await t.call('GET', `/tickets/${id}`, { token: agent });
      return read.body.sla?.packVersion ? true : undefined;
    }, 'the workflow to plan');
    await advance('PT5M');
    const answered = await t.call('POST', `/tickets/${id}/messages`, {
      token: agent,
      json: { body: 'Restarted the spooler; it prints again.' },
    });
    expect(answered.status).toBe(201);
    await t.stack.settle();
    const asleep = transitions(id);

    const current = await t.call('GET', `/tickets/${id}`, { token: agent });
    const solved = await t.call('PATCH', `/tickets/${id}`, {
      token: agent,
      json: { status: 'solved' },
      headers: { 'if-match': current.headers.get('etag')! },
    });
    expect(solved.status).toBe(200);
    await t.stack.settle();
    expect(transitions(id), 'no wake for the survey').toBe(asleep);
    const queued = (await t.call('GET', `/tickets/${id}`, { token: agent })).body;
    const entry = queued.mail.find((m: { id: string }) => m.id.includes('satisfaction-survey'));
    expect(entry).toMatchObject({ kind: 'notice', audience: 'customer' });

    // The sweep's schedule runs as the clock passes its next minute; it takes tickets listed a minute.
    await advance('PT2M');
    const sent = await eventually(async () => {
      const mails = await surveys(id);
      return mails.length ? mails : undefined;
    }, 'the survey mail');
    expect(sent).toHaveLength(1);
    // Later sweeps and workflow wakes send it no second time.
    await t.call('POST', '/_local/jobs/sweep-outbound-mail');
    await advance('PT10M');
    expect(await surveys(id)).toHaveLength(1);
    expect(transitions(id), 'still no wake').toBe(asleep);

    const after = (await t.call('GET', `/tickets/${id}`, { token: agent })).body;
    expect(after.mail.filter((m: { id: string }) => m.id === entry.id)).toMatchObject([{ status: 'sent' }]);
    const sla = (await t.call('GET', `/tickets/${id}/sla`, { token: agent })).body;
    expect(sla.applied.filter((a: { id: string }) => a.id === entry.id)).toHaveLength(1);
  });
});
