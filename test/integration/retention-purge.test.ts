import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { holdService } from '#shared/compliance/hold-service.ts';
import type { DeadlineScheduler, RetentionStore } from '#shared/compliance/ports.ts';
import { type PurgeRun, purgeService } from '#shared/compliance/purge.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import { ScanCommand } from '#shared/runtime/aws/dynamodb.ts';
import { newId } from '#shared/runtime/ids.ts';
import { dynamoAttachmentStore } from '#shared/store/attachment-store.ts';
import { dynamoComplianceStore } from '#shared/store/compliance-store.ts';
import { dynamoRetentionStore } from '#shared/store/retention-store.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { seedingAgent, seedTicketAt, startPurgeFixture } from '../support/purge-fixture.ts';

const BUCKET = 'purge-test-bodies';
const DAY = 86_400_000;

/** The purge never schedules anything; a call would be a bug. */
const noSchedules: DeadlineScheduler = {
  scheduleOnce: () => Promise.reject(new Error('the purge does not schedule')),
  cancel: () => Promise.reject(new Error('the purge does not schedule')),
};

let fixture: Awaited<ReturnType<typeof startPurgeFixture>>;
let db: Awaited<ReturnType<typeof startPurgeFixture>>['db'];
let objectsDir: string;
let clockNow = new Date('2032-06-01T03:00:00.000Z');
const clock = { now: () => clockNow };

beforeAll(async () => {
  fixture = await startPurgeFixture('purge-test', BUCKET);
  ({ db, objectsDir } = fixture);
});
afterAll(() => fixture?.stop());

function stores(retentionOverride?: RetentionStore) {
  const objects = fixture.objects();
  const tickets = dynamoTicketStore(db.doc, db.tableName, objects);
  const records = dynamoComplianceStore(db.doc, db.tableName);
  const retention = retentionOverride ?? dynamoRetentionStore(db.doc, db.tableName);
  const deps = {
    records,
    retention,
    objects,
    scheduler: noSchedules,
    clock,
    packFor: (d: string) => getPolicyPack(d),
  };
  return {
    tickets,
    records,
    retention,
    objects,
    attachments: dynamoAttachmentStore(db.doc, db.tableName, objects),
    purge: purgeService(deps),
    holds: holdService({ records, tickets, scheduler: noSchedules, clock }),
  };
}

const agent = seedingAgent;
const lead = (desk: string): Principal => ({ ...agent(desk), id: 'lead-1', role: 'lead' });

/** A ticket created (and last touched) at `at`, with a body long enough to live in S3. */
async function seedTicket(
  desk: string,
  at: Date,
  options: { email?: string; channel?: 'chat' | 'email' } = {},
) {
  const { tickets } = stores();
  return seedTicketAt(tickets, desk, at, {
    subject: `Seeded ${at.toISOString()}`,
    description: `long body ${'x'.repeat(5000)}`,
    requester: { email: options.email ?? 'ana@example.com' },
    ...(options.channel ? { channel: options.channel } : {}),
  });
}

async function scanAll() {
  const out = await db.doc.send(new ScanCommand({ TableName: db.tableName }));
  return (out.Items ?? []).map((i) => `${i.pk}|${i.sk}|${i.version ?? ''}`).sort();
}

function objectFiles(dir = objectsDir): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function runToEnd(s: ReturnType<typeof stores>, desks: string[], owner = 'test-run', maxPages = 50) {
  const planned = await s.purge.plan({ desks, trigger: 'manual' });
  let result: Awaited<ReturnType<typeof s.purge.runBatch>>;
  let batches = 0;
  do {
    result = await s.purge.runBatch({ runs: planned, owner, maxPages, shouldStop: () => false });
    batches++;
  } while (!result.done && batches < 100);
  return { planned, result, batches };
}

const classOf = (run: PurgeRun | undefined, dataClass: string) =>
  run?.classes.find((c) => c.dataClass === dataClass);

describe('retention purge (TechFlow: tickets 730 days, chat 365, call recordings 90)', () => {
  const desk = 'techflow';
  let before: Awaited<ReturnType<typeof seedTicket>>;
  let exact: Awaited<ReturnType<typeof seedTicket>>;
  let after: Awaited<ReturnType<typeof seedTicket>>;
  let heldTicket: Awaited<ReturnType<typeof seedTicket>>;
  let heldRequester: Awaited<ReturnType<typeof seedTicket>>;

  it('purges one second before the cut-off, keeps the cut-off itself and one second after', async () => {
    clockNow = new Date('2032-06-01T03:00:00.000Z');
    const cutoff = clockNow.getTime() - 730 * DAY;
    before = await seedTicket(desk, new Date(cutoff - 1000));
    exact = await seedTicket(desk, new Date(cutoff));
    after = await seedTicket(desk, new Date(cutoff + 1000));
    const s = stores();
    // Call recordings: 90 days, on a ticket that is itself kept.
    const recCutoff = clockNow.getTime() - 90 * DAY;
    const file = (at: number, name: string) =>
      s.attachments.put(
        {
          id: newId(new Date(at)),
          desk,
          ticketId: after.id,
          filename: name,
          contentType: 'audio/ogg',
          size: 3,
          sha256: 'x',
          dataClass: 'call-recordings',
          uploadedBy: { id: 'agent-1', role: 'agent' },
          createdAt: new Date(at).toISOString(),
        },
        Buffer.from('ogg'),
      );
    const oldRecording = await file(recCutoff - 1000, 'old.ogg');
    const newRecording = await file(recCutoff + 1000, 'new.ogg');
    const objectsBefore = objectFiles().length;

    const { result } = await runToEnd(s, [desk]);
    expect(result.done).toBe(true);
    const run = await s.purge.get(desk, '2032-06-01');
    expect(run?.status).toBe('finished');
    expect(classOf(run, 'support-tickets')).toMatchObject({
      cutoff: new Date(cutoff).toISOString(),
      counts: { examined: 1, purged: 1, keptLegalHold: 0 },
    });
    expect(classOf(run, 'call-recordings')?.counts).toMatchObject({
      examined: 1,
      purged: 1,
      objectsDeleted: 1,
    });

    expect(await s.tickets.getTicket(desk, before.id)).toBeUndefined();
    expect(await s.tickets.getTicket(desk, exact.id)).toBeDefined();
    expect(await s.tickets.getTicket(desk, after.id)).toBeDefined();
    expect((await s.attachments.list(desk, after.id)).map((a) => a.id)).toEqual([newRecording.id]);
    expect(await s.objects.get(oldRecording.objectKey)).toBeUndefined();
    // The purged ticket's stored body went with it: one body and one recording fewer in the bucket.
    expect(objectFiles().length).toBe(objectsBefore - 2 * 2); // each object is a file plus its .meta.json
    // The run is its own audit record: counts and cut-offs, never content.
    expect(run?.history.at(-1)).toMatchObject({
      action: 'purge.finished',
      details: { 'support-tickets.purged': 1, 'call-recordings.purged': 1 },
    });
    expect(JSON.stringify(run)).not.toContain('Seeded');
    const audit = await s.records.listAudit(desk, { from: '2032-06-01', to: '2032-06-02' }, 50);
    expect(audit.items.map((a) => a.action)).toEqual(['purge.started', 'purge.finished']);
  });

  it('running the same day again changes nothing (idempotent)', async () => {
    const s = stores();
    const tableBefore = await scanAll();
    const planned = await s.purge.plan({ desks: [desk], trigger: 'schedule' });
    expect(planned).toEqual([{ desk, runId: '2032-06-01', note: 'already finished' }]);
    await s.purge.runBatch({ runs: planned, owner: 'second', maxPages: 10, shouldStop: () => false });
    expect(await scanAll()).toEqual(tableBefore);
  });

  it('a legal hold on a ticket or on its requester exempts it; released, it goes on the next run', async () => {
    clockNow = new Date('2032-06-02T03:00:00.000Z');
    const old = new Date(clockNow.getTime() - 800 * DAY);
    heldTicket = await seedTicket(desk, old, { email: 'held-ticket@example.com' });
    heldRequester = await seedTicket(desk, old, { email: 'held-person@example.com' });
    const chat = await seedTicket(desk, old, { email: 'held-person@example.com', channel: 'chat' });
    const s = stores();
    const ticketHold = await s.holds.set(lead(desk), {
      ticketId: heldTicket.id,
      reason: 'Litigation hold, matter 2032-17',
    });
    const personHold = await s.holds.set(lead(desk), {
      requesterEmail: 'held-person@example.com',
      reason: 'Regulator inquiry about this customer',
    });
    await expect(
      s.holds.set(agent(desk), { ticketId: heldTicket.id, reason: 'An agent tries this' }),
    ).rejects.toMatchObject({ kind: 'forbidden' });

    await runToEnd(s, [desk]);
    const run = await s.purge.get(desk, '2032-06-02');
    // The two tickets kept yesterday at the cut-off are a day past it now; the three held ones stay.
    expect(classOf(run, 'support-tickets')?.counts).toMatchObject({ purged: 2, keptLegalHold: 3 });
    expect(classOf(run, 'chat-transcripts')?.counts).toMatchObject({ purged: 0, keptLegalHold: 1 });
    for (const t of [heldTicket, heldRequester, chat])
      expect(await s.tickets.getTicket(desk, t.id)).toBeDefined();

    await s.holds.release(lead(desk), ticketHold.hold.id, { reason: 'Matter settled, hold lifted' });
    await s.holds.release(lead(desk), personHold.hold.id, { reason: 'Inquiry closed by the regulator' });
    clockNow = new Date('2032-06-03T03:00:00.000Z');
    await runToEnd(s, [desk]);
    const next = await s.purge.get(desk, '2032-06-03');
    expect(classOf(next, 'support-tickets')?.counts).toMatchObject({ purged: 3, keptLegalHold: 0 });
    for (const t of [heldTicket, heldRequester, chat])
      expect(await s.tickets.getTicket(desk, t.id)).toBeUndefined();
    const holdTrail = (await s.records.listAudit(desk, { from: '2032-06-02', to: '2032-06-04' }, 50)).items
      .filter((a) => a.subject.kind === 'legal-hold')
      .map((a) => a.action);
    expect(holdTrail.sort()).toEqual([
      'legal-hold.released',
      'legal-hold.released',
      'legal-hold.set',
      'legal-hold.set',
    ]);
  });
});

describe('a purge that crashes mid-run resumes where it stopped and counts every item once', () => {
  const desk = 'rch-spyfocus';

  it('fails after 7 deletions, then finishes on the next invocation', async () => {
    clockNow = new Date('2032-07-01T03:00:00.000Z');
    const s = stores();
    const ticket = await seedTicket(desk, new Date(clockNow.getTime() - DAY));
    const logs = [];
    for (let i = 0; i < 12; i++) {
      const at = new Date(clockNow.getTime() - (91 + i) * DAY);
      logs.push(
        await s.attachments.put(
          {
            id: newId(at),
            desk,
            ticketId: ticket.id,
            filename: `app-${i}.log`,
            contentType: 'text/plain',
            size: 4,
            sha256: 'x',
            dataClass: 'diagnostic-logs',
            uploadedBy: { id: 'agent-1', role: 'agent' },
            createdAt: at.toISOString(),
          },
          Buffer.from('log!'),
        ),
      );
    }
    const real = dynamoRetentionStore(db.doc, db.tableName);
    let deletions = 0;
    const failing: RetentionStore = {
      ...real,
      async deleteItem(key) {
        if (++deletions > 7) throw new Error('injected: the function died here');
        return real.deleteItem(key);
      },
    };
    const crashing = stores(failing);
    const planned = await crashing.purge.plan({ desks: [desk], trigger: 'schedule' });
    await expect(
      crashing.purge.runBatch({ runs: planned, owner: 'first', maxPages: 10, shouldStop: () => false }),
    ).rejects.toThrow(/injected/);
    const stuck = await s.purge.get(desk, '2032-07-01');
    expect(classOf(stuck, 'diagnostic-logs')?.pending?.units).toHaveLength(12);
    expect(classOf(stuck, 'diagnostic-logs')?.counts.purged).toBe(0);
    expect((await s.attachments.list(desk, ticket.id)).length).toBe(5);

    // The next trigger: the dead invocation's lease is still fresh, so wait it out on the clock.
    clockNow = new Date(clockNow.getTime() + 6 * 60_000);
    const resumed = await runToEnd(s, [desk], 'second');
    expect(resumed.planned).toEqual([{ desk, runId: '2032-07-01', note: 'resuming' }]);
    const run = await s.purge.get(desk, '2032-07-01');
    expect(run?.status).toBe('finished');
    expect(classOf(run, 'diagnostic-logs')?.counts).toMatchObject({ examined: 12, purged: 12 });
    expect(classOf(run, 'diagnostic-logs')?.pending).toBeUndefined();
    expect(await s.attachments.list(desk, ticket.id)).toEqual([]);
    for (const log of logs) expect(await s.objects.get(log.objectKey)).toBeUndefined();
  });

  it('a second invocation does not work on a run another one holds', async () => {
    clockNow = new Date('2032-07-02T03:00:00.000Z');
    const s = stores();
    const planned = await s.purge.plan({ desks: [desk], trigger: 'schedule' });
    const first = await s.purge.runBatch({ runs: planned, owner: 'a', maxPages: 0, shouldStop: () => false });
    expect(first.done).toBe(false);
    const second = await s.purge.runBatch({
      runs: planned,
      owner: 'b',
      maxPages: 10,
      shouldStop: () => false,
    });
    expect(second.runs[0]?.owner).toBe('another invocation');
    expect(second.done).toBe(true);
  });
});

describe('dry run', () => {
  it('reports what would go, page by page, and writes nothing anywhere', async () => {
    const desk = 'techflow';
    clockNow = new Date('2032-08-01T03:00:00.000Z');
    const s = stores();
    for (let i = 0; i < 3; i++) {
      const at = new Date(clockNow.getTime() - (740 + i) * DAY);
      await seedTicket(desk, at, { email: `dry${i}@example.com` });
      // Writing history into days an earlier run already counted: a backfill marks them (see retention-counts.ts).
      await s.retention.markCountsStale(desk, [{ indexClass: 'ticket', day: at.toISOString().slice(0, 10) }]);
    }
    const tableBefore = await scanAll();
    const filesBefore = objectFiles();
    let cursor: string | undefined;
    let wouldPurge = 0;
    let first = true;
    const seen: string[] = [];
    do {
      const page = await s.purge.preview(desk, { cursor, limit: 2, totals: first });
      if (first) expect(page.candidates?.['support-tickets']).toBe(3);
      first = false;
      if (page.page?.dataClass === 'support-tickets') wouldPurge += page.page.wouldPurge;
      if (page.page) seen.push(page.page.dataClass);
      cursor = page.cursor;
    } while (cursor);
    expect(wouldPurge).toBe(3);
    expect(seen).toContain('call-recordings');
    expect(await scanAll()).toEqual(tableBefore);
    expect(objectFiles()).toEqual(filesBefore);
  });
});
