/**
 * SLA engine benchmark (a program, not a test): `npx tsx bench/sla-engine.ts [--tickets 100000]`.
 *
 * Measures on one core (Node runs this single-threaded):
 *  1. raw business-time additions on compiled calendars,
 *  2. deadline computations (rule resolution + business-time maths) with calendars cached,
 *  3. full `computeSla` evaluations of a typical ticket history,
 *  4. a replay of N synthetic tickets through `replayAttainment`.
 * Prints a table and writes bench/results/sla-engine.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getPolicyPack, PACK_IDS } from '#shared/policy/packs.ts';
import type { Metric, PolicyPack } from '#shared/policy/schema.ts';
import { computeDeadline, computeSla, type SlaInputEvent } from '#shared/sla/engine.ts';
import { replayAttainment } from '#shared/sla/preview.ts';
import type { Channel, Priority } from '#shared/tickets/model.ts';

const { values } = parseArgs({ options: { tickets: { type: 'string', default: '100000' } } });
const TICKETS = Number(values.tickets);

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
const random = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const packs = PACK_IDS.map((id) => getPolicyPack(id));
const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const METRICS: Metric[] = ['first-response', 'periodic-update'];
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const YEAR_MS = 365 * 86_400_000;

interface Row {
  name: string;
  operations: number;
  seconds: number;
  perSecond: number;
  note: string;
}
const rows: Row[] = [];

function measure(name: string, operations: number, note: string, fn: () => void): void {
  const t0 = performance.now();
  fn();
  const seconds = (performance.now() - t0) / 1000;
  rows.push({ name, operations, seconds, perSecond: operations / seconds, note });
}

// ----- 1 and 2: deadline computations ---------------------------------------------------------
const N_DEADLINES = 1_000_000;
const starts = new Float64Array(N_DEADLINES);
for (let i = 0; i < N_DEADLINES; i++) starts[i] = YEAR_START + Math.floor(random() * YEAR_MS);
const cases = Array.from({ length: 1024 }, () => {
  const pack = pick(packs);
  return {
    pack,
    ticket: {
      priority: pick(PRIORITIES),
      plan: pick(pack.plans).id,
      channel: pick(pack.channels).id as Channel,
    },
    metric: pick(METRICS),
  };
});
// Warm up: compile packs and calendars for the whole year range (the "calendars cached" condition).
for (let i = 0; i < 50_000; i++) {
  const c = cases[i & 1023]!;
  computeDeadline(c.pack, c.ticket, c.metric, new Date(starts[i]!));
}

let sink = 0;
measure(
  'deadline computations (computeDeadline)',
  N_DEADLINES,
  'rule lookup + business-time add, 4 packs, random starts in 2026',
  () => {
    for (let i = 0; i < N_DEADLINES; i++) {
      const c = cases[i & 1023]!;
      const d = computeDeadline(c.pack, c.ticket, c.metric, new Date(starts[i]!));
      if (d) sink += d.getTime() & 1;
    }
  },
);

const rarelogicCalendar = (await import('#shared/sla/compiled-pack.ts'))
  .compilePack(getPolicyPack('rarelogic'))
  .calendars.get('support-hours')!;
measure(
  'business-time additions (calendar.add)',
  N_DEADLINES,
  'RareLogic 9-17 Toronto + CA holidays, 1-4800 min',
  () => {
    for (let i = 0; i < N_DEADLINES; i++) {
      sink += rarelogicCalendar.add(starts[i]!, ((i % 4800) + 1) * 60_000) & 1;
    }
  },
);

// ----- 3 and 4: whole tickets -----------------------------------------------------------------
function syntheticTicket(pack: PolicyPack): { events: SlaInputEvent[]; now: string } {
  let t = YEAR_START + Math.floor(random() * YEAR_MS);
  const iso = () => new Date(t).toISOString();
  const later = (maxMinutes: number) => {
    t += Math.floor(random() * maxMinutes + 1) * 60_000;
    return iso();
  };
  const events: SlaInputEvent[] = [
    {
      at: iso(),
      type: 'ticket-created',
      priority: pick(PRIORITIES),
      plan: pick(pack.plans).id,
      channel: pick(pack.channels).id,
      status: 'new',
    },
  ];
  if (random() < 0.3) events.push({ at: later(60), type: 'agent-reply', visibility: 'internal' });
  events.push({ at: later(600), type: 'agent-reply', visibility: 'public' });
  if (random() < 0.2) events.push({ at: later(120), type: 'priority-changed', to: pick(PRIORITIES) });
  if (random() < 0.4) {
    events.push({ at: later(240), type: 'status-changed', to: 'pending' });
    events.push({ at: later(2880), type: 'customer-message' });
    events.push({ at: later(600), type: 'agent-reply', visibility: 'public' });
  }
  events.push({ at: later(1440), type: 'status-changed', to: 'solved' });
  if (random() < 0.1) {
    events.push({ at: later(2880), type: 'customer-message' });
    events.push({ at: later(600), type: 'agent-reply', visibility: 'public' });
    events.push({ at: later(600), type: 'status-changed', to: 'solved' });
  }
  const now = later(4 * 1440);
  return { events, now };
}

const typical = syntheticTicket(getPolicyPack('techflow'));
const typicalPack = getPolicyPack('techflow');
const N_EVAL = 50_000;
measure('computeSla evaluations', N_EVAL, `one TechFlow history of ${typical.events.length} events`, () => {
  const now = new Date(typical.now);
  for (let i = 0; i < N_EVAL; i++) sink += computeSla(typicalPack, typical.events, now).actions.length & 1;
});

const byPack = new Map(packs.map((p) => [p.id, [] as Array<{ events: SlaInputEvent[]; now: string }>]));
for (let i = 0; i < TICKETS; i++) {
  const pack = packs[i % packs.length]!;
  byPack.get(pack.id)!.push(syntheticTicket(pack));
}
const eventCount = [...byPack.values()].flat().reduce((n, t) => n + t.events.length, 0);
const reports: Record<string, unknown> = {};
measure(
  `replay of ${TICKETS.toLocaleString('en-US')} synthetic tickets`,
  TICKETS,
  `${eventCount.toLocaleString('en-US')} events, 4 packs`,
  () => {
    for (const pack of packs) {
      const report = replayAttainment(pack, byPack.get(pack.id)!);
      reports[pack.id] = {
        tickets: report.tickets,
        rejected: report.rejected.length,
        firstResponseAttainment: report.byMetric['first-response'].attainment,
      };
    }
  },
);

// ----- output ---------------------------------------------------------------------------------
const pad = (s: string, n: number, left = false) => (left ? s.padStart(n) : s.padEnd(n));
const lines = [
  `${pad('benchmark', 44)}${pad('ops', 12, true)}${pad('seconds', 10, true)}${pad('ops/s', 14, true)}  note`,
  ...rows.map(
    (r) =>
      `${pad(r.name, 44)}${pad(r.operations.toLocaleString('en-US'), 12, true)}${pad(r.seconds.toFixed(3), 10, true)}${pad(Math.round(r.perSecond).toLocaleString('en-US'), 14, true)}  ${r.note}`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);

const result = {
  benchmark: 'sla-engine',
  recordedAt: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  singleThread: true,
  goal: { deadlineComputationsPerSecond: 200_000 },
  rows,
  replay: reports,
  checksum: sink,
};
const out = fileURLToPath(new URL('./results/sla-engine.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
