import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('restarting the local stack', () => {
  it('keeps tickets, the virtual clock and execution histories, and resumes running workflows', async () => {
    const first = await startTestStack({ dataDir, keepData: true });
    // A Monday, 10:00 in Toronto: inside RareLogic's business hours whenever the test runs.
    await first.call('POST', '/_local/clock', { json: { set: '2030-03-04T15:00:00Z' } });
    const customer = await first.token('customer', 'rarelogic');
    const { body: ticket } = await first.call('POST', '/tickets', {
      token: customer,
      json: { subject: 'Export stuck', description: 'x', priority: 'urgent' },
    });
    await first.stack.settle();
    await first.call('POST', '/_local/clock', { json: { advance: 'PT10M' } });
    const arn = `${first.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ticket.id}`;
    const before = first.stack.stepFunctions.getExecutionHistory(arn).length;
    const clockBefore = first.stack.clock.now().getTime();
    await first.stop();

    const second = await startTestStack({ dataDir });
    try {
      expect(second.stack.resumedExecutions).toBeGreaterThanOrEqual(1);
      expect(second.stack.clock.now().getTime()).toBeGreaterThanOrEqual(clockBefore);
      const agent = await second.token('agent', 'rarelogic');
      expect((await second.call('GET', `/tickets/${ticket.id}`, { token: agent })).status).toBe(200);
      await second.stack.settle();
      const history = second.stack.stepFunctions.getExecutionHistory(arn);
      expect(history.length).toBeGreaterThan(before);
      expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
      expect(second.stack.stepFunctions.describeExecution(arn).status).toBe('RUNNING');
      // The resumed workflow still keeps time: "first touch within 2 business hours" runs out at 17:00 UTC.
      await second.call('POST', '/_local/clock', { json: { advance: 'PT2H' } });
      await eventually(async () => {
        const read = await second.call('GET', `/tickets/${ticket.id}`, { token: agent });
        return read.body.sla.actions.some((a: { kind: string }) => a.kind === 'breach') ? true : undefined;
      }, 'the breach after the restart');
    } finally {
      await second.stop();
    }
  });
});
