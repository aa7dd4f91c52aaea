import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/** A DSAR access copy holds the requester's data, not other people's found in staff notes. */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('DSAR export privacy', () => {
  it("withholds third parties' addresses and phone numbers from internal notes and lists them in the manifest", async () => {
    const ana = await t.token('customer', 'techflow', { sub: 'cust-ana-p', email: 'ana.p@example.com' });
    const agent = await t.token('agent', 'techflow', { sub: 'techflow-agent' });
    const lead = await t.token('lead', 'techflow', { sub: 'techflow-lead' });
    const opened = await t.call('POST', '/tickets', {
      token: ana,
      json: { subject: 'Invoice', description: 'Call me back on +1 415 555 0134 please.' },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    const note =
      'Spoke to her manager Bob (bob.boss@acme-corp.example, +44 20 7946 0958) who disputes it; ' +
      'Ana (ana.p@example.com, +1 415 555 0134) asked for a callback. Ticket ' +
      `${id} see 2031-02-03.`;
    const added = await t.call('POST', `/tickets/${id}/messages`, {
      token: agent,
      json: { body: note, visibility: 'internal' },
    });
    expect(added.status).toBe(201);
    expect(
      (
        await t.call('PATCH', `/tickets/${id}`, {
          token: agent,
          json: { assignee: 'techflow-agent-2' },
          headers: { 'if-match': added.headers.get('etag')! },
        })
      ).status,
    ).toBe(200);

    const dsar = await t.call('POST', '/dsar', { token: ana, json: { kind: 'access' } });
    expect(dsar.status).toBe(201);
    const notices = (await t.call('GET', '/_local/compliance/notices')).body.items as any[];
    const code = notices
      .filter((n) => n.subject.id === dsar.body.id && n.template === 'dsar-verification-code')
      .at(-1)?.params.code;
    expect(
      (await t.call('POST', `/dsar/${dsar.body.id}/verify`, { token: ana, json: { code } })).status,
    ).toBe(200);
    expect((await t.call('POST', `/dsar/${dsar.body.id}/export`, { token: lead })).status).toBe(201);
    const bundle = (await t.call('GET', `/dsar/${dsar.body.id}/export`, { token: ana })).body;

    const body = bundle.tickets[0].messages.find((m: any) => m.visibility === 'internal').body as string;
    expect(body).toBe(
      'Spoke to her manager Bob ([withheld: third-party email address], [withheld: third-party phone number]) who disputes it; ' +
        'Ana (ana.p@example.com, +1 415 555 0134) asked for a callback. Ticket ' +
        `${id} see 2031-02-03.`,
    );
    const text = JSON.stringify(bundle);
    expect(text).not.toContain('bob.boss@acme-corp.example');
    expect(text).not.toContain('7946');
    expect(text).not.toContain('techflow-agent-2@staff.example.com');
    expect(bundle.withheld).toEqual([
      expect.objectContaining({ ticketId: id, field: 'ticket.assigneeContact' }),
      expect.objectContaining({
        ticketId: id,
        field: 'body',
        what: '1 email address and 1 phone number',
        reason: expect.stringContaining('Art. 15(4)'),
      }),
    ]);
  });
});
