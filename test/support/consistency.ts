import { expect } from 'vitest';
import type { TestStack } from './local-stack.ts';

/**
 * The end of every fault test: each accepted ticket is present exactly once, each open one has
 * exactly one running workflow, and no accepted message is missing.
 */
export async function expectConsistent(
  t: TestStack,
  desk: string,
  accepted: { ticketIds: string[]; messages?: Array<{ ticketId: string; body: string }> },
) {
  const agent = await t.token('agent', desk);
  const listed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await t.call('GET', `/tickets?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
      token: agent,
    });
    expect(page.status).toBe(200);
    listed.push(...page.body.items.map((x: { id: string }) => x.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  for (const id of accepted.ticketIds)
    expect(
      listed.filter((x) => x === id),
      `ticket ${id} listed once`,
    ).toHaveLength(1);

  const running = t.stack.stepFunctions.listExecutions(t.stack.stateMachineArn, 'RUNNING');
  for (const id of accepted.ticketIds) {
    const ticket = await t.call('GET', `/tickets/${id}`, { token: agent });
    expect(ticket.status).toBe(200);
    const executions = running.filter((e) => e.name === id || e.name.startsWith(`${id}-`));
    expect(executions, `running workflows of ${id}`).toHaveLength(ticket.body.status === 'closed' ? 0 : 1);
  }
  for (const message of accepted.messages ?? []) {
    const ticket = await t.call('GET', `/tickets/${message.ticketId}`, { token: agent });
    expect(
      ticket.body.messages.filter((m: { body: string }) => m.body === message.body),
      `message on ${message.ticketId}`,
    ).toHaveLength(1);
  }
}
