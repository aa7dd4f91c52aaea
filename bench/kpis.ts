/**
 * KPI report benchmark (a program, not a test): `npx tsx bench/kpis.ts`.
 *
 * Measures the pure part of GET /kpis on one core: `buildKpiReport` over N synthetic TechFlow tickets
 * created across the window (each replayed once through the SLA engine, facts computed once, bucketed
 * by day and week) with one survey answer per resolved ticket. The read from DynamoDB is not included:
 * on AWS it is ~N items of a few KB through the byDataClassCreated index (see docs/ops.md).
 * Prints a table and writes bench/results/kpis.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { KpiTicket, SurveyScore } from '#shared/kpis/metrics.ts';
import { buildKpiReport, type Period } from '#shared/kpis/report.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';
import type { TicketActivity } from '#shared/tickets/activity.ts';
import type { Priority } from '#shared/tickets/model.ts';

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

const pack = getPolicyPack('techflow');
const now = new Date('2031-12-31T12:00:00Z');
const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const PLANS = ['standard', 'professional', 'enterprise'];

function dataset(count: number, days: number, seed: number) {
  const random = rng(seed);
  const tickets: KpiTicket[] = [];
  const surveys: SurveyScore[] = [];
  for (let i = 0; i < count; i++) {
    const created = now.getTime() - random() * days * 86_400_000;
    const at = (minutes: number) => new Date(created + minutes * 60_000).toISOString();
    const id = `T${i}`;
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
    activity.push({ at: at(reply), by: 'a', type: 'agent-reply', visibility: 'public', messageId: `${id}a` });
    activity.push({ at: at(reply), by: 'a', type: 'status-changed', from: 'new', to: 'open' });
    let status: KpiTicket['status'] = 'open';
    if (random() < 0.3) {
      activity.push({ at: at(reply + 60), by: 'c', type: 'customer-message', messageId: `${id}c` });
      activity.push({
        at: at(reply + 120),
        by: 'a',
        type: 'agent-reply',
        visibility: 'public',
        messageId: `${id}b`,
        timeSpentSeconds: 300,
      });
    }
    const solvedAt = reply + 180 + random() * 2000;
    if (solvedAt * 60_000 + created < now.getTime() && random() < 0.85) {
      activity.push({ at: at(solvedAt), by: 'a', type: 'status-changed', from: 'open', to: 'solved' });
      status = 'solved';
      if (random() < 0.4) {
        surveys.push({
          ticketId: id,
          submittedAt: at(solvedAt + 30),
          csat: 1 + Math.floor(random() * 5),
          nps: Math.floor(random() * 11),
        });
      }
    }
    tickets.push({ id, createdAt: at(0), priority, status, activity });
  }
  return { tickets, surveys: surveys.filter((s) => s.submittedAt < now.toISOString()) };
}

interface Row {
  tickets: number;
  period: Period;
  trend: 'daily' | 'weekly';
  seconds: number;
  ticketsPerSecond: number;
}
const rows: Row[] = [];
for (const [count, period, trend] of [
  [1_000, '30d', 'daily'],
  [5_000, '90d', 'daily'],
  [20_000, '365d', 'weekly'],
  [20_000, '365d', 'daily'],
] as const) {
  const days = Number.parseInt(period, 10);
  const { tickets, surveys } = dataset(count, days, count);
  const backlog = tickets.filter((t) => t.status === 'open');
  buildKpiReport({
    desk: 'techflow',
    pack,
    now,
    period,
    trend,
    tickets: tickets.slice(0, 50),
    surveys,
    backlog,
    truncated: { tickets: false, surveys: false, backlog: false },
  }); // warm-up
  const t0 = performance.now();
  const report = buildKpiReport({
    desk: 'techflow',
    pack,
    now,
    period,
    trend,
    tickets,
    surveys,
    backlog,
    truncated: { tickets: false, surveys: false, backlog: false },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (report.population.tickets !== count) throw new Error('report lost tickets');
  rows.push({ tickets: count, period, trend, seconds, ticketsPerSecond: count / seconds });
}

console.table(
  rows.map((r) => ({
    tickets: r.tickets,
    window: `${r.period} ${r.trend}`,
    seconds: r.seconds.toFixed(3),
    'tickets/s': Math.round(r.ticketsPerSecond),
  })),
);
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
      singleThread: true,
      note: 'buildKpiReport only (pure): the DynamoDB read of the window is not included',
      rows,
    },
    null,
    2,
  )}\n`,
);
