import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DSAR_BATCH_TICKETS } from '#shared/compliance/dsar-progress.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { eventually } from '../support/poll.ts';

/**
 * DSAR export and erasure for a requester with more tickets than one batch: the API call does the
 * first page, the deadline schedule (or the sweep) the rest, across a restart of the whole stack.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-dsar-batches-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const TICKETS = 2 * DSAR_BATCH_TICKETS + 3;

async function codeFor(t: TestStack, dsarId: string) {
  const items = (await t.call('GET', '/_local/compliance/notices')).body.items as any[];
  return items.filter((n) => n.subject.id === dsarId && n.template === 'dsar-verification-code').at(-1)
    ?.params.code as string;
}

async function openTickets(t: TestStack, token: string, count: number) {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const res = await t.call('POST', '/tickets', {
      token,
      json: { subject: `Order ${i} late`, description: `Ticket ${i} of the batch test` },
    });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

async function verifiedDsar(t: TestStack, token: string, kind: 'access' | 'erasure') {
  const created = await t.call('POST', '/dsar', { token, json: { kind } });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const verified = await t.call('POST', `/dsar/${id}/verify`, {
    token,
    json: { code: await codeFor(t, id) },
  });
  expect(verified.status).toBe(200);
  return id;
}

describe('DSAR jobs in batches', () => {
  it('exports a requester with more tickets than one batch, across a restart between batches', async () => {
    const email = 'kim.batches@example.com';
    let first: TestStack | undefined = await startTestStack({ dataDir, keepData: true });
    let second: TestStack | undefined;
    try {
      await first.call('POST', '/_local/clock', { json: { set: '2033-05-02T15:00:00Z' } });
      const kim = await first.token('customer', 'techflow', { sub: 'cust-kim', email });
      const lead = await first.token('lead', 'techflow', { sub: 'lead-techflow' });
      const tickets = await openTickets(first, kim, TICKETS);
      const id = await verifiedDsar(first, kim, 'access');

      const started = await first.call('POST', `/dsar/${id}/export`, { token: lead });
      expect(started.status).toBe(202);
      expect(started.body.progress).toMatchObject({
        kind: 'export',
        status: 'running',
        processed: DSAR_BATCH_TICKETS,
        total: TICKETS,
      });
      // The requester sees how far it is; asking again neither restarts nor repeats the batch.
      const own = await first.call('GET', `/dsar/${id}`, { token: kim });
      expect(own.body.progress).toMatchObject({ processed: DSAR_BATCH_TICKETS, total: TICKETS });
      expect(own.body.progress.cursor).toBeUndefined();
      const again = await first.call('POST', `/dsar/${id}/export`, { token: lead });
      expect(again.status).toBe(202);
      expect(again.body.progress.processed).toBe(DSAR_BATCH_TICKETS);
      await first.stop();
      first = undefined;

      // Killed between batches: the next stack continues from the progress on the request.
      second = await startTestStack({ dataDir, keepData: true });
      const s = second;
      await s.call('POST', '/_local/clock', { json: { advance: 'PT15M' } });
      const done = await eventually(async () => {
        const read = await s.call('GET', `/dsar/${id}`, { token: kim });
        return read.body.status === 'fulfilled' ? read.body : undefined;
      }, 'the export to finish');
      expect(done.progress).toMatchObject({ status: 'finished', processed: TICKETS, total: TICKETS });

      const download = await s.call('GET', `/dsar/${id}/export`, { token: kim });
      expect(download.status).toBe(200);
      const bundle = typeof download.body === 'string' ? JSON.parse(download.body) : download.body;
      const exported = (bundle.tickets as any[]).map((x) => x.ticket.id as string);
      expect(exported.sort()).toEqual([...tickets].sort()); // every ticket, each once
      expect(bundle.counts.tickets).toBe(TICKETS);

      const staff = (await s.call('GET', `/dsar/${id}`, { token: lead })).body;
      const batches = (staff.history as any[]).filter((h) => h.action === 'dsar.batch-done');
      expect(batches.map((h) => h.details.processed)).toEqual([
        DSAR_BATCH_TICKETS,
        2 * DSAR_BATCH_TICKETS,
        TICKETS,
      ]);
      // The parts are gone once the bundle holds them.
      const stored = readdirSync(join(s.stack.dataDir, 'objects'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name));
      expect(stored.filter((k) => k.includes('exports') && k.includes(id) && k.includes('parts'))).toEqual(
        [],
      );
      expect(stored.some((k) => k.includes(id) && k.includes('bundle'))).toBe(true);
    } finally {
      await first?.stop();
      await second?.stop();
    }
  }, 240_000);

  it('erases a requester page by page; held tickets count as processed and stay', async () => {
    const t = await startTestStack();
    try {
      await t.call('POST', '/_local/clock', { json: { set: '2033-06-01T15:00:00Z' } });
      const email = 'lou.batches@example.com';
      const lou = await t.token('customer', 'techflow', { sub: 'cust-lou', email });
      const lead = await t.token('lead', 'techflow', { sub: 'lead-techflow' });
      const tickets = await openTickets(t, lou, DSAR_BATCH_TICKETS + 2);
      const held = tickets.at(-1)!;
      const hold = await t.call('POST', '/legal-holds', {
        token: lead,
        json: { ticketId: held, reason: 'Dispute with the carrier pending in court' },
      });
      expect(hold.status).toBe(201);
      const id = await verifiedDsar(t, lou, 'erasure');

      const started = await t.call('POST', `/dsar/${id}/erasure`, { token: lead });
      expect(started.status).toBe(202);
      expect(started.body.progress).toMatchObject({ kind: 'erasure', processed: DSAR_BATCH_TICKETS });
      await t.call('POST', '/_local/clock', { json: { advance: 'PT1M' } });
      const done = await eventually(async () => {
        const read = await t.call('GET', `/dsar/${id}`, { token: lead });
        return read.body.status === 'fulfilled' ? read.body : undefined;
      }, 'the erasure to finish');
      expect(done.progress).toMatchObject({ status: 'finished', processed: tickets.length });
      expect(done.erasure).toMatchObject({
        counts: { tickets: tickets.length - 1 },
        keptUnderLegalHold: [held],
      });
      const agent = await t.token('agent', 'techflow', { sub: 'agent-techflow' });
      const first = await t.call('GET', `/tickets/${tickets[0]}`, { token: agent });
      expect(first.body.subject).toBe('[erased]');
      const kept = await t.call('GET', `/tickets/${held}`, { token: agent });
      expect(kept.body.subject).not.toBe('[erased]');
    } finally {
      await t.stop();
    }
  }, 240_000);
});
