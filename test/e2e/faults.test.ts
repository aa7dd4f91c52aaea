import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/consistency.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/** Fault injection on the local stack: whatever breaks, nothing accepted is lost or doubled. */
let t: TestStack;
let customer: string;
let agent: string;
beforeAll(async () => {
  t = await startTestStack();
  await t.call('POST', '/_local/clock', { json: { set: '2030-05-06T13:00:00Z' } });
  customer = await t.token('customer', 'techflow', { plan: 'enterprise' });
  agent = await t.token('agent', 'techflow');
});
afterAll(() => t.stop());

const advance = (duration: string) => t.call('POST', '/_local/clock', { json: { advance: duration } });

async function create(subject: string, headers: Record<string, string> = {}) {
  return t.call('POST', '/tickets', {
    token: customer,
    json: { subject, description: 'fault test', priority: 'urgent' },
    headers,
  });
}

describe('a workflow task that keeps failing', () => {
  it('retries on the virtual clock, fails the execution, and the reconciler restarts it so the SLA still holds', async () => {
    await t.call('POST', '/_local/faults', { json: { lambda: 'tierdesk-check-ticket-sla', count: 7 } });
    const { body: ticket } = await create('Task keeps failing');
    await t.stack.settle();
    // 6 retries with back-off (2 s doubling, capped at 60 s, full jitter); each waits from when it was scheduled.
    for (let i = 0; i < 7; i++) await advance('PT1M');
    await eventually(
      async () =>
        t.stack.stepFunctions.describeExecution(arnOf(ticket.id)).status === 'FAILED' ? true : undefined,
      'the execution to fail',
    );
    const history = t.stack.stepFunctions.getExecutionHistory(arnOf(ticket.id));
    expect(history.filter((e) => e.type === 'LambdaFunctionFailed')).toHaveLength(7);
    expect(history.at(-1)?.type).toBe('ExecutionFailed');

    // The reconciler runs every minute of virtual time: let minutes pass until it has restarted the workflow.
    await eventually(async () => {
      await advance('PT1M');
      const running = t.stack.stepFunctions.listExecutions(t.stack.stateMachineArn, 'RUNNING');
      return running.some((e) => e.name.startsWith(`${ticket.id}-r`)) ? true : undefined;
    }, 'a restarted execution');
    await t.stack.settle();
    await advance('PT15M'); // past TechFlow Enterprise P1's 15 minutes
    const read = await t.call('GET', `/tickets/${ticket.id}`, { token: agent });
    expect(read.body.sla.actions.some((a: { kind: string }) => a.kind === 'breach')).toBe(true);
    await expectConsistent(t, 'techflow', { ticketIds: [ticket.id] });
  });
});

describe('the clock jumping forward days', () => {
  it('applies every due action exactly once and keeps one workflow per ticket', async () => {
    const ids: string[] = [];
    for (const priority of ['urgent', 'high', 'normal', 'low']) {
      const res = await t.call('POST', '/tickets', {
        token: customer,
        json: { subject: `jump ${priority}`, description: 'x', priority },
      });
      ids.push(res.body.id);
    }
    await t.stack.settle();
    await advance('P3D');
    await advance('P2D');
    for (const id of ids) {
      const read = await t.call('GET', `/tickets/${id}`, { token: agent });
      const actionIds = read.body.sla.actions.map((a: { id: string }) => a.id);
      expect(new Set(actionIds).size, `no action applied twice on ${id}`).toBe(actionIds.length);
      expect(read.body.sla.actions.some((a: { kind: string }) => a.kind === 'breach')).toBe(true);
    }
    await expectConsistent(t, 'techflow', { ticketIds: ids });
  });
});

describe('DynamoDB restarting under load', () => {
  it('loses and doubles nothing: clients retry with their idempotency keys', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `restart-load-${String(i).padStart(4, '0')}`);
    const accepted = new Map<string, string>();
    const attempt = async (key: string) => {
      for (let i = 0; i < 20 && !accepted.has(key); i++) {
        const res = await create(`load ${key}`, { 'idempotency-key': key }).catch(() => undefined);
        if (res?.status === 201) accepted.set(key, res.body.id);
        else await new Promise((r) => setTimeout(r, 50));
      }
    };
    const load = Promise.all(keys.map(attempt));
    await new Promise((r) => setTimeout(r, 30));
    await t.stack.restartDynamo(200);
    await load;
    expect(accepted.size).toBe(keys.length);
    expect(new Set(accepted.values()).size).toBe(keys.length);
    // Starts that failed while DynamoDB was down are picked up by the reconciler.
    await advance('PT2M');
    await t.stack.settle();
    await eventually(async () => {
      const running = new Set(
        t.stack.stepFunctions
          .listExecutions(t.stack.stateMachineArn, 'RUNNING')
          .map((e) => e.name.split('-')[0]),
      );
      return [...accepted.values()].every((id) => running.has(id)) ? true : undefined;
    }, 'every accepted ticket to have a workflow');
    await expectConsistent(t, 'techflow', { ticketIds: [...accepted.values()] });
  });

  it('keeps every reply that was acknowledged while DynamoDB restarts', async () => {
    const { body: ticket } = await create('replies under restart');
    await t.stack.settle();
    const bodies = Array.from({ length: 10 }, (_, i) => `reply ${i}`);
    const sent = Promise.all(
      bodies.map(async (body, i) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const res = await t
            .call('POST', `/tickets/${ticket.id}/messages`, {
              token: agent,
              json: { body, visibility: 'internal' },
              headers: { 'idempotency-key': `reply-key-${i}` },
            })
            .catch(() => undefined);
          if (res?.status === 201) return;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`reply ${i} never accepted`);
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    await t.stack.restartDynamo(150);
    await sent;
    await advance('PT2M');
    await t.stack.settle();
    await expectConsistent(t, 'techflow', {
      ticketIds: [ticket.id],
      messages: bodies.map((body) => ({ ticketId: ticket.id, body })),
    });
  });
});

describe('the local engine killed in the middle of a write', () => {
  it('cuts the torn last line of the journal and of a history, and carries on with whole lines', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-torn-'));
    try {
      const first = await startTestStack({ dataDir, keepData: true });
      await first.call('POST', '/_local/clock', { json: { set: '2030-05-06T13:00:00Z' } });
      const { body: ticket } = await first.call('POST', '/tickets', {
        token: await first.token('customer', 'techflow'),
        json: { subject: 'torn line', description: 'x', priority: 'urgent' },
      });
      await first.stack.settle();
      const arn = `${first.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ticket.id}`;
      const whole = first.stack.stepFunctions.getExecutionHistory(arn).length;
      await first.stop();
      // What kill -9 leaves during an append: the start of a line with no end.
      const engineDir = join(dataDir, 'stepfunctions');
      const historyName = readdirSync(join(engineDir, 'history')).find((f) => f.includes(ticket.id))!;
      const historyFile = join(engineDir, 'history', historyName);
      const journalFile = join(engineDir, 'executions.jsonl');
      appendFileSync(historyFile, '{"id":999,"type":"LambdaFunctionSuc');
      appendFileSync(journalFile, '{"executionArn":"arn:aws:states:us-');

      const second = await startTestStack({ dataDir });
      try {
        expect(second.stack.stepFunctions.describeExecution(arn).status).toBe('RUNNING');
        await second.call('POST', '/_local/clock', { json: { advance: 'PT3H' } });
        await second.stack.settle();
        const history = second.stack.stepFunctions.getExecutionHistory(arn);
        expect(history.length).toBeGreaterThan(whole);
        expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
        second.stack.stepFunctions.flush();
        // Every line on disk is whole JSON again, the resumed run's included.
        for (const file of [historyFile, journalFile]) {
          const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
          for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
        }
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function arnOf(name: string) {
  return `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
