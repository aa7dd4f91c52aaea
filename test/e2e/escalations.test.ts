import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/**
 * Escalations through the local stack as staff see them: the SLA log says what the workflow did,
 * once; each escalation notice names its level and reason; a big clock jump over many tickets
 * sends every notice once.
 */
let t: TestStack;
let customer: string;
let agent: string;

interface OutboxMail {
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

beforeAll(async () => {
  t = await startTestStack();
  await t.call('POST', '/_local/clock', { json: { set: '2031-03-03T15:00:00Z' } }); // a Monday
  // Enterprise may open P1 directly (a Standard customer's P1 opens at P2 until staff confirm it).
  customer = await t.token('customer', 'techflow', { plan: 'enterprise' });
  agent = await t.token('agent', 'techflow');
});
afterAll(async () => {
  await t.stop();
});

const outbox = async (): Promise<OutboxMail[]> => (await t.call('GET', '/_local/outbox')).body.items;
const header = (m: OutboxMail, name: string) =>
  Object.entries(m.headers).find(([k]) => k.toLowerCase() === name)?.[1];

async function openUrgentTicket(subject: string) {
  const res = await t.call('POST', '/tickets', {
    token: customer,
    json: { subject, description: 'Nothing loads.', priority: 'urgent' },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function parked(id: string) {
  await t.stack.settle();
  return eventually(async () => {
    const stored = await t.call('GET', `/tickets/${id}`, { token: agent });
    return stored.body.sla?.packVersion ? stored.body : undefined;
  }, `workflow of ${id} to plan`);
}

describe('an unanswered urgent TechFlow ticket after a 5-hour clock move', () => {
  let id: string;

  beforeAll(async () => {
    id = await openUrgentTicket('Checkout down for everyone');
    await parked(id);
    expect((await t.call('POST', '/_local/clock', { json: { advance: 'PT5H' } })).status).toBe(200);
    await t.stack.settle();
    await eventually(async () => {
      const sla = (await t.call('GET', `/tickets/${id}/sla`, { token: agent })).body;
      return sla.applied.filter((a: { kind: string }) => a.kind === 'escalate').length === 2
        ? sla
        : undefined;
    }, 'both escalations applied');
  });

  it('the SLA log has exactly the workflow’s two escalations and none by an agent', async () => {
    const sla = (await t.call('GET', `/tickets/${id}/sla`, { token: agent })).body;
    const escalated = sla.log.filter((e: { type: string }) => e.type === 'escalated');
    expect(escalated.map((e: { detail: string }) => e.detail)).toEqual([
      expect.stringMatching(/tier 1 → 2 \(Level 2 - Senior Support Engineer\), by the SLA workflow$/),
      expect.stringMatching(/tier 2 → 3 \(Level 3 - Engineering Team\), by the SLA workflow$/),
    ]);
    expect(escalated.map((e: { rule: string }) => e.rule)).toEqual([
      'p1-level-2-after-2h',
      'p1-level-3-after-4h',
    ]);
    expect(sla.log.filter((e: { detail: string }) => /by an agent/.test(e.detail))).toEqual([]);
    const ticket = (await t.call('GET', `/tickets/${id}`, { token: agent })).body;
    expect(ticket.tier).toBe(3);
  });

  it('the two escalation notices to the lead differ and name level and reason', async () => {
    const toLead = await eventually(async () => {
      const mails = (await outbox()).filter(
        (m) =>
          header(m, 'x-tierdesk-ticket') === id &&
          m.to.includes('support-leads@techflowsolutions.com') &&
          /escalat/i.test(m.subject),
      );
      return mails.length >= 2 ? mails : undefined;
    }, 'escalation mails to the lead');
    expect(toLead).toHaveLength(2);
    const [l2, l3] = toLead.sort((a, b) => a.subject.localeCompare(b.subject));
    expect(l2!.text).not.toBe(l3!.text);
    expect(l2!.subject).toContain('Escalated to tier 2 (Level 2 - Senior Support Engineer)');
    expect(l2!.text).toContain('Escalated to tier 2: Level 2 - Senior Support Engineer.');
    expect(l2!.text).toContain('Escalated after 2 hours (Priority 1)');
    expect(l3!.text).toContain('Escalated to tier 3: Level 3 - Engineering Team.');
    expect(l3!.text).toContain('Escalated after 4 hours (Priority 1)');
    expect(header(l2!, 'x-tierdesk-action-id')).toMatch(/^notify:p1-level-2-after-2h\.lead:/);
    expect(header(l3!, 'x-tierdesk-action-id')).toMatch(/^notify:p1-level-3-after-4h\.lead:/);
  });
});

describe('a send in flight across a clock jump', () => {
  it('is not sent again by the sweeps the jump runs', async () => {
    const held = t.stack.mail.holdNextSend();
    const id = await openUrgentTicket('Held acknowledgement');
    await held.entered; // the Apply step's first send (the acknowledgement) is in flight
    const before = Date.parse((await t.call('GET', '/_local/clock')).body.now);
    // Not awaited: the move settles only once the held Apply step has finished.
    const moved = t.call('POST', '/_local/clock', { json: { advance: 'PT3H' } });
    await eventually(async () => {
      const now = Date.parse((await t.call('GET', '/_local/clock')).body.now);
      return now >= before + 3 * 3600_000 ? now : undefined;
    }, 'the clock to move');
    // The sweeps the move fired have run; one more, as the schedule would, while the send is held.
    await t.call('POST', '/_local/jobs/sweep-outbound-mail');
    held.release();
    expect((await moved).status).toBe(200);
    await t.stack.settle();
    const mails = (await outbox()).filter((m) => header(m, 'x-tierdesk-ticket') === id);
    const actions = mails.map((m) => header(m, 'x-tierdesk-action-id'));
    expect(actions.filter((a) => a?.startsWith('notify:acknowledgement:'))).toHaveLength(1);
    expect(actions.filter((a, i) => actions.indexOf(a) !== i)).toEqual([]);
  });
});

describe('a big clock jump over many tickets', () => {
  it('sends every notice once: no action id twice in the outbox', async () => {
    const TICKETS = Number(process.env.ESCALATION_E2E_TICKETS ?? 40);
    const ids: string[] = [];
    for (let i = 0; i < TICKETS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, TICKETS - i) }, (_, j) => openUrgentTicket(`Jump ticket ${i + j}`)),
      );
      ids.push(...batch);
    }
    await t.stack.settle();
    expect((await t.call('POST', '/_local/clock', { json: { advance: 'PT30H' } })).status).toBe(200);
    await t.stack.settle();
    // The sweep runs as its schedule would after the jump, while sends may still be in flight.
    await t.call('POST', '/_local/jobs/sweep-outbound-mail');
    await t.stack.settle();
    await t.call('POST', '/_local/jobs/sweep-outbound-mail');
    const wanted = new Set(ids);
    const mails = (await outbox()).filter((m) => wanted.has(header(m, 'x-tierdesk-ticket') ?? ''));
    const keys = mails.map((m) => `${header(m, 'x-tierdesk-ticket')} ${header(m, 'x-tierdesk-action-id')}`);
    expect(keys.every((k) => !k.endsWith(' undefined'))).toBe(true);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(twice).toEqual([]);
    // Every ticket got its escalation notices (nothing was lost to avoid duplicates).
    const escalationsPerTicket = ids.map(
      (id) => keys.filter((k) => k.startsWith(`${id} notify:p1-level-3-after-4h.lead:`)).length,
    );
    expect(escalationsPerTicket.every((n) => n === 1)).toBe(true);
  }, 240_000);
});
