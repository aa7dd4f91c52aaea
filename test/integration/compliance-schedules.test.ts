import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObjectStore } from '#local/object-store.ts';
import { type SchedulerEndpoint, startSchedulerEndpoint } from '#local/scheduler.ts';
import { VirtualTimers } from '#local/timers.ts';
import { VirtualClock } from '#local/virtual-clock.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { appealService } from '#shared/compliance/appeal-service.ts';
import { deadlineService } from '#shared/compliance/deadlines.ts';
import { type Dsar, dsarDeadlines } from '#shared/compliance/dsar.ts';
import { dsarService } from '#shared/compliance/dsar-service.ts';
import { noticeOutbox } from '#shared/compliance/notice-outbox.ts';
import { cryptoRandom, deadlineScheduleName } from '#shared/compliance/ports.ts';
import { findPolicyPack } from '#shared/policy/packs.ts';
import { type S3Client, s3ObjectClient } from '#shared/runtime/aws/s3.ts';
import {
  DeleteScheduleCommand,
  type SchedulerClient,
  schedulerRestClient,
} from '#shared/runtime/aws/scheduler.ts';
import { eventBridgeScheduler } from '#shared/schedules/eventbridge-scheduler.ts';
import { dynamoAttachmentStore } from '#shared/store/attachment-store.ts';
import { dynamoBanStore } from '#shared/store/ban-store.ts';
import { dynamoComplianceStore } from '#shared/store/compliance-store.ts';
import { dynamoIdempotencyStore } from '#shared/store/idempotency-store.ts';
import { dynamoRetentionStore } from '#shared/store/retention-store.ts';
import { s3ObjectStore } from '#shared/store/s3-objects.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { banService } from '#shared/tickets/bans.ts';
import { startDynalite } from '../support/dynalite.ts';

/**
 * The deadline schedules end to end below the API: the real Scheduler adapter talks to the local
 * Scheduler stand-in over the SDK, schedules fire on the virtual clock, the deadline handler applies
 * them, and the next one is scheduled.
 */
const BUCKET = 'schedules-test';
let db: Awaited<ReturnType<typeof startDynalite>>;
let objectsDir: string;
let objects: Awaited<ReturnType<typeof startObjectStore>>;
let scheduler: SchedulerEndpoint;
let s3: S3Client;
let schedulerClient: SchedulerClient;
const clock = new VirtualClock();
const timers = new VirtualTimers(clock);
const fired: string[] = [];

let services: ReturnType<typeof build>;
function build() {
  const doc = db.doc;
  const records = dynamoComplianceStore(doc, db.tableName);
  const objectStore = s3ObjectStore(s3, BUCKET);
  const tickets = dynamoTicketStore(doc, db.tableName, objectStore);
  const adapter = eventBridgeScheduler(schedulerClient, {
    COMPLIANCE_SCHEDULE_GROUP: 'test-group',
    COMPLIANCE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/test-scheduler',
    COMPLIANCE_DEADLINE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:deadline',
  });
  const common = {
    records,
    tickets,
    idempotency: dynamoIdempotencyStore(doc, db.tableName),
    bans: banService({ bans: dynamoBanStore(doc, db.tableName), clock }),
    scheduler: adapter,
    clock,
    random: cryptoRandom,
    packFor: findPolicyPack,
  };
  const dsars = dsarService({
    ...common,
    retention: dynamoRetentionStore(doc, db.tableName),
    attachments: dynamoAttachmentStore(doc, db.tableName, objectStore),
    objects: objectStore,
  });
  const appeals = appealService(common);
  return {
    dsars,
    appeals,
    records,
    deadlines: deadlineService({ dsars, appeals, records, clock, breaches: noBreaches }),
    outbox: noticeOutbox({ records, scheduler: adapter, clock }),
  };
}

/** These tests schedule DSAR and appeal deadlines only. */
const noBreaches = { applyDeadlines: async () => ({ applied: 0 }) };

beforeAll(async () => {
  db = await startDynalite('schedules-test');
  objectsDir = mkdtempSync(join(tmpdir(), 'tierdesk-sched-'));
  objects = await startObjectStore({ dir: objectsDir, port: 0 });
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  s3 = s3ObjectClient({ endpoint: objects.url, forcePathStyle: true, region: 'us-east-1', credentials });
  scheduler = await startSchedulerEndpoint({
    port: 0,
    timers,
    now: () => clock.now(),
    dataFile: join(objectsDir, 'schedules.json'),
    ready: Promise.resolve(),
    invoke: async (arn, input) => {
      fired.push(`${arn} ${JSON.stringify(input)}`);
      return services.deadlines.handle(input as never);
    },
  });
  schedulerClient = schedulerRestClient({ endpoint: scheduler.url, region: 'us-east-1', credentials });
  services = build();
});
afterAll(async () => {
  timers.stop();
  schedulerClient?.destroy();
  s3?.destroy();
  await scheduler?.close();
  await objects?.close();
  await db?.stop();
  rmSync(objectsDir, { recursive: true, force: true });
});

const agent: Principal = {
  id: 'agent-1',
  role: 'agent',
  desk: 'techflow',
  email: 'agent@example.com',
  name: undefined,
  plan: undefined,
  tier: undefined,
};

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
};

describe('one-time deadline schedules through the Scheduler API', () => {
  it('schedules the next deadline, fires it on the virtual clock, then schedules the one after', async () => {
    clock.set(new Date('2030-01-31T15:00:00Z'));
    const { dsar } = await services.dsars.create(agent, {
      kind: 'access',
      requester: { email: 'ana@example.com' },
      channel: 'letter',
      receivedAt: '2030-01-31T15:00:00Z',
    });
    const record = (await services.records.get<Dsar>('dsar', 'techflow', dsar.id))!;
    const [week, twoDays] = dsarDeadlines(record, findPolicyPack('techflow'));
    expect(scheduler.list().map((s) => [s.name, s.at, s.group])).toEqual([
      [deadlineScheduleName('dsar', dsar.id, week!.at), week!.at, 'test-group'],
    ]);

    clock.set(new Date(Date.parse(week!.at) + 1000));
    await until(
      async () =>
        (await services.records.get<Dsar>('dsar', 'techflow', dsar.id))!.appliedDeadlines.length === 1,
    );
    expect(fired).toHaveLength(1);
    expect(JSON.parse(fired[0]!.split(' ')[1]!)).toEqual({
      desk: 'techflow',
      kind: 'dsar',
      id: dsar.id,
      dueAt: week!.at,
    });
    // The fired schedule deleted itself (ActionAfterCompletion: DELETE); the next deadline has its own.
    await until(async () => scheduler.list().length === 1 && scheduler.list()[0]!.at === twoDays!.at);

    // The sweep finds nothing due, and a repeated delivery changes nothing.
    expect((await services.deadlines.sweep(['techflow'])).reports[0]).toMatchObject({ due: 0, applied: 0 });
    expect(await services.deadlines.handle({ desk: 'techflow', kind: 'dsar', id: dsar.id })).toEqual({
      id: dsar.id,
      applied: 0,
    });
  });

  it('leaves a missed deadline to the sweep, which applies it once', async () => {
    clock.set(new Date('2030-03-01T15:00:00Z'));
    const { dsar } = await services.dsars.create(agent, {
      kind: 'erasure',
      requester: { email: 'bo@example.com' },
    });
    const name = scheduler.list().find((s) => s.name.startsWith(`dsar-${dsar.id}`))!.name;
    await schedulerClient.send(
      new DeleteScheduleCommand({
        Name: name,
        GroupName: 'test-group',
      }),
    );
    clock.set(new Date('2030-03-25T15:00:00Z')); // past the 7-day reminder (25 March is 7 days before 1 April)
    const swept = await services.deadlines.sweep(['techflow']);
    expect(swept.reports[0]).toMatchObject({ due: 1, applied: 1 });
    expect((await services.deadlines.sweep(['techflow'])).reports[0]).toMatchObject({ due: 0, applied: 0 });
  });
});

describe('the notice outbox for the mail sender', () => {
  it('lists pending notices and, once sent, keeps no address or code', async () => {
    const pending = await services.outbox.pending('techflow');
    const code = pending.find((n) => n.template === 'dsar-verification-code' && n.to === 'bo@example.com')!;
    expect(code.params.code).toMatch(/^\d{8}$/);
    await services.outbox.markSent('techflow', code.subject, code.id);
    await services.outbox.markSent('techflow', code.subject, code.id); // idempotent
    const record = (await services.records.get<Dsar>('dsar', 'techflow', code.subject.id))!;
    const sent = record.notices.find((n) => n.id === code.id)!;
    expect(sent).toMatchObject({ status: 'sent', params: { code: null } });
    expect(sent).not.toHaveProperty('to');
    for (const n of await services.outbox.pending('techflow'))
      await services.outbox.markSent('techflow', n.subject, n.id);
    expect(await services.outbox.pending('techflow')).toEqual([]);
  });
});
