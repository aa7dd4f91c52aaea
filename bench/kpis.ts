/**
 * KPI report benchmark (a program, not a test): `npm run bench kpis`.
 *
 * A 90-day report over a desk of 1,000,000 tickets, read from roll-ups in DynamoDB (dynalite in
 * memory, the local stand-in). Seeding a million tickets one write at a time would take hours
 * locally, so the tickets are rolled up in memory first: 2,000 synthetic TechFlow tickets are each
 * replayed once through the SLA engine (`ticketContribution`, what the workflow step computes), and
 * the million tickets are those 2,000 spread evenly over the 90 days (500 copies each), summed per
 * day and written as one roll-up per day through the store. The report's reads do not depend on how
 * the roll-ups were written. Also measured: the DynamoDB requests one ticket change costs to record.
 * Prints a table and writes bench/results/kpis.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Principal } from '#shared/auth/principal.ts';
import type { KpiTicket } from '#shared/kpis/metrics.ts';
import { kpiRecorder } from '#shared/kpis/recorder.ts';
import { windowDays } from '#shared/kpis/report.ts';
import { type Counters, sumCounters, ticketContribution } from '#shared/kpis/rollups.ts';
import { kpiService } from '#shared/kpis/service.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import type { DynamoDBDocumentClient } from '#shared/runtime/aws/dynamodb.ts';
import { dynamoKpiRollupStore } from '#shared/store/kpi-rollup-store.ts';
import { dynamoQueueReads } from '#shared/store/queue-reads.ts';
import type { TicketActivity } from '#shared/tickets/activity.ts';
import type { Priority } from '#shared/tickets/model.ts';
import { startDynalite } from '../test/support/dynalite.ts';

/** Deterministic PRNG (mulberry32) so every run measures the same work. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DESK = 'techflow';
const pack = getPolicyPack(DESK);
const now = new Date('2031-12-31T12:00:00Z');
const TICKETS = 1_000_000;
const TEMPLATES = 2_000;
const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const PLANS = ['standard', 'professional', 'enterprise'];

function template(i: number, random: () => number): KpiTicket {
  const created = now.getTime() - (1 + random() * 80) * 86_400_000;
  const at = (minutes: number) => new Date(created + minutes * 60_000).toISOString();
  const priority = PRIORITIES[Math.floor(random() * 4)]!;
  const activity: TicketActivity[] = [
    {
      at: at(0),
      by: 'c',
      type: 'ticket-created',
      priority,
      plan: PLANS[Math.floor(random() * 3)]!,
      channel: 'email',
      status: 'new',
    },
  ];
  const reply = 5 + random() * 600;
  activity.push({ at: at(reply), by: 'a', type: 'agent-reply', visibility: 'public', messageId: `m${i}` });
  activity.push({ at: at(reply), by: 'a', type: 'status-changed', from: 'new', to: 'open' });
  let status: KpiTicket['status'] = 'open';
  if (random() < 0.85) {
    activity.push({
      at: at(reply + 180 + random() * 2000),
      by: 'a',
      type: 'status-changed',
      from: 'open',
      to: 'solved',
    });
    status = 'solved';
  }
  return { id: `T${i}`, createdAt: at(0), priority, status, activity };
}

/** Counts the DynamoDB requests and items a piece of work makes. */
function counting(doc: DynamoDBDocumentClient) {
  const seen = { requests: 0, items: 0 };
  const proxy = new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        seen.requests += 1;
        const out = (await target.send(command as never)) as { Items?: unknown[] };
        seen.items += out.Items?.length ?? 0;
        return out;
      };
    },
  });
  return { doc: proxy, seen };
}

const db = await startDynalite('tierdesk-bench');
try {
  // 1. Roll up the million tickets in memory, one contribution per template.
  const random = rng(90);
  const contributions = Array.from({ length: TEMPLATES }, (_, i) =>
    ticketContribution(pack, template(i, random), now),
  );
  const labels = windowDays('90d', now, pack.timeZone);
  const perDay = new Map<string, Counters>();
  for (let i = 0; i < TEMPLATES; i++) {
    const day = labels[i % labels.length]!;
    const copies = TICKETS / TEMPLATES;
    const scaled = Object.fromEntries(
      Object.entries(contributions[i]!.counters).map(([k, v]) => [k, v * copies]),
    );
    perDay.set(day, sumCounters([perDay.get(day) ?? {}, scaled]));
  }
  const seedStore = dynamoKpiRollupStore(db.doc, db.tableName);
  for (const [day, counters] of perDay) {
    await seedStore.applyContribution(DESK, `bench#${day}`, { version: 1, asOf: 'bench' }, { day, counters });
  }

  // 2. The report, as GET /kpis builds it, through a counting client.
  const { doc, seen } = counting(db.doc);
  const service = kpiService({
    rollups: dynamoKpiRollupStore(doc, db.tableName),
    backlog: dynamoQueueReads(doc, db.tableName).backlog,
    clock: { now: () => now },
  });
  const lead: Principal = {
    id: 'l',
    role: 'lead',
    desk: DESK,
    email: 'l@example.com',
    name: undefined,
    plan: undefined,
    tier: undefined,
  };
  await service.report(lead, { period: '90d', trend: 'daily' }); // warm-up
  const RUNS = 20;
  const times: number[] = [];
  let report: Awaited<ReturnType<typeof service.report>> | undefined;
  seen.requests = 0;
  seen.items = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    report = await service.report(lead, { period: '90d', trend: 'daily' });
    times.push(performance.now() - t0);
  }
  if (report?.population.tickets !== TICKETS) throw new Error(`report counted ${report?.population.tickets}`);
  times.sort((a, b) => a - b);

  // 3. What recording one ticket change costs besides the ticket's own write (which carries its share):
  // a first record, then a change of the same ticket.
  const write = counting(db.doc);
  const recorder = kpiRecorder(dynamoKpiRollupStore(write.doc, db.tableName));
  const t = template(TEMPLATES + 1, rng(7));
  const opened = { ...t, desk: DESK, version: 1 };
  const first = await recorder.planTicketShare(
    { ticket: opened, activity: t.activity.slice(0, 1), kpi: { seq: 0 } },
    opened,
    t.activity.slice(0, 1),
    now,
  );
  if (first) await recorder.addChange(DESK, first.change);
  const firstRecord = write.seen.requests;
  const changed = { ...t, desk: DESK, version: 2 };
  const second = await recorder.planTicketShare(
    { ticket: changed, activity: t.activity, kpi: first?.share },
    changed,
    t.activity,
    now,
  );
  if (second) await recorder.addChange(DESK, second.change);
  const change = write.seen.requests - firstRecord;

  const row = {
    tickets: TICKETS,
    period: '90d',
    trend: 'daily',
    days: labels.length,
    itemsReadPerReport: seen.items / RUNS,
    requestsPerReport: seen.requests / RUNS,
    medianMs: times[Math.floor(times.length / 2)]!,
    maxMs: times.at(-1)!,
    truncated: Object.values(report.population.truncated).some(Boolean),
    requestsToRecordNewTicket: firstRecord,
    requestsToRecordChange: change,
  };
  console.table([
    {
      tickets: row.tickets.toLocaleString('en-US'),
      window: '90d daily',
      'items read': row.itemsReadPerReport,
      requests: row.requestsPerReport,
      'median ms': row.medianMs.toFixed(1),
      'max ms': row.maxMs.toFixed(1),
      truncated: row.truncated,
      'writes/change': row.requestsToRecordChange,
    },
  ]);
  const out = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(
    `${out}kpis.json`,
    `${JSON.stringify(
      {
        benchmark: 'kpis',
        recordedAt: new Date().toISOString(),
        node: process.version,
        cpu: cpus()[0]?.model ?? 'unknown',
        note: 'GET /kpis service over dynalite (in memory): 90 daily roll-ups standing for 1,000,000 tickets (2,000 replayed tickets x 500), plus the empty backlog read',
        rows: [row],
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await db.stop();
}
