import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mailOutboundDeps } from '#shared/runtime/mail-deps.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
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

  it('sends the mail a crash left pending as soon as it is back, with no clock move', async () => {
    const crashDir = mkdtempSync(join(tmpdir(), 'tierdesk-restart-mail-'));
    const address = 'pat.restart@example.com';
    const mailTo = async (t: TestStack) =>
      ((await t.call('GET', '/_local/outbox')).body.items as Array<{ to: string[]; subject: string }>).filter(
        (m) => m.to.includes(address),
      );
    const first = await startTestStack({ dataDir: crashDir, keepData: true });
    let ticketId: string;
    try {
      const customer = await first.token('customer', 'techflow', { email: address });
      const created = await first.call('POST', '/tickets', {
        token: customer,
        json: { subject: 'Invoice missing', description: 'x', priority: 'normal' },
      });
      expect(created.status).toBe(201);
      ticketId = created.body.id;
      await first.stack.settle();
      const [ack] = await eventually(async () => {
        const mails = await mailTo(first);
        return mails.length ? mails : undefined;
      }, 'the acknowledgement');
      // The state a crash leaves between queuing the acknowledgement and sending it: the entry is
      // pending and noted in the desk's outbox, and no workflow is left to deliver it.
      const deps = mailOutboundDeps();
      const found = await deps.ticketStore.getTicketWithMessages('techflow', ticketId);
      const index = found!.stored.outbox!.findIndex((e) => e.status === 'sent');
      const entry = found!.stored.outbox![index]!;
      await deps.mailStore.finishOutbound('techflow', ticketId, index, entry.id, {
        status: 'pending',
        sentAt: undefined,
        claimedUntil: undefined,
      });
      await deps.mailStore.touchOutbox('techflow', ticketId, first.stack.clock.now().toISOString());
      first.stack.stepFunctions.stopExecution(
        `${first.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ticketId}`,
      );
      expect(ack?.subject).toBeTruthy();
    } finally {
      await first.stop();
    }

    const second = await startTestStack({ dataDir: crashDir });
    try {
      const clockAtStart = second.stack.clock.offset;
      const mails = await eventually(
        async () => {
          const all = await mailTo(second);
          return all.length === 2 ? all : undefined;
        },
        'the pending acknowledgement after the restart',
        15_000,
      );
      expect(mails[1]!.subject).toBe(mails[0]!.subject);
      expect(second.stack.clock.offset).toBe(clockAtStart);
    } finally {
      await second.stop();
      rmSync(crashDir, { recursive: true, force: true });
    }
  });
});
