import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** docs/performance.md quotes bench/results/*.json: a re-run bench must be followed by its figures. */
const doc = readFileSync(new URL('../../../docs/performance.md', import.meta.url), 'utf8');
const result = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../bench/results/${name}.json`, import.meta.url), 'utf8'));
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const range = (values: number[]) =>
  Math.min(...values) === Math.max(...values)
    ? n(values[0]!)
    : `${n(Math.min(...values))}–${n(Math.max(...values))}`;
const rowOf = (label: string) => doc.split('\n').find((line) => line.startsWith(`| ${label}`)) ?? '';

describe('docs/performance.md shows the committed bench results', () => {
  it('SLA engine', () => {
    const rows = result('sla-engine').rows as Array<{ name: string; perSecond: number; seconds: number }>;
    const by = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;
    expect(rowOf('SLA engine: deadline computations')).toContain(`${n(by('deadline').perSecond)} /s`);
    expect(rowOf('SLA engine: raw business-time additions')).toContain(
      `${n(by('business-time').perSecond)} /s`,
    );
    expect(rowOf('SLA engine: `computeSla`')).toContain(`${n(by('computeSla').perSecond)} /s`);
    expect(rowOf('Replay of 100,000')).toContain(`${by('replay').seconds.toFixed(2)} s`);
  });

  it('workflow transitions', () => {
    const rows = result('workflow-transitions').rows as Array<{ lifecycle: string; transitions: number }>;
    const of = (prefix: string) =>
      rows.filter((r) => r.lifecycle.startsWith(prefix)).map((r) => r.transitions);
    expect(rowOf('Workflow: state transitions, ticket answered once')).toContain(
      `| ${range(of('answered once'))} `,
    );
    expect(rowOf('Workflow: back-and-forth')).toContain(`| ${range(of('back-and-forth'))} `);
    expect(rowOf('Workflow: unanswered 3 days')).toContain(`| ${range(of('unanswered'))} `);
  });

  it('timer lateness', () => {
    const rows = result('timer-lateness').rows as Array<Record<string, number | string | boolean | null>>;
    const [natural, jumps, armed, flows] = rows;
    expect(rowOf('Timer lateness, 1,000 timers, time passing naturally')).toContain(
      `p50 ${natural!.virtualP50ms} ms, p99 ${natural!.virtualP99ms} ms, max ${natural!.virtualMaxMs} ms`,
    );
    expect(rowOf('Timer lateness, 1,000 timers, clock jumps')).toContain(`≤ ${jumps!.realMaxMs} ms (real)`);
    expect(rowOf('Timer lateness, 10,000 timers armed during a move')).toContain(
      `≤ ${armed!.realMaxMs} ms (real)`,
    );
    expect(rowOf('Timer lateness, 100 workflows')).toContain(
      `${flows!.timers} sleeps: none early, none after the move that crossed it; p50 ${flows!.realP50ms} ms, p99 ${flows!.realP99ms} ms`,
    );
    for (const row of rows) {
      expect(row.early).toBe(0);
      expect(row.missedTheirMove).toBe(0);
    }
  });

  it('API intake, as a ratio to its bound', () => {
    const intake = result('api-intake');
    const [raw, api, bound] = intake.rows as Array<{ perSecond: number; p50ms: number; p99ms: number }>;
    expect(rowOf('API intake')).toContain(
      `${n(api!.perSecond)} req/s, p50 ${n(api!.p50ms)} ms, p99 ${n(api!.p99ms)} ms (${intake.durationSeconds} s run`,
    );
    expect(rowOf('Raw dynalite PutItem')).toContain(`${n(raw!.perSecond)} /s`);
    expect(rowOf('Intake bound')).toContain(
      `${n(bound!.perSecond)} tickets/s (${intake.dynamoRequestsPerTicket} DynamoDB requests per ticket)`,
    );
    expect(rowOf('Intake ratio to its bound')).toContain(`| ${intake.ratioToBound.toFixed(2)} `);
  });

  it('bundles', () => {
    const bundles = result('bundles');
    const rows = bundles.rows as Array<{ function: string; kb: number; initP50ms: number }>;
    const summary = bundles.summary;
    expect(rowOf('Lambda bundles')).toContain(`median API handler ${n(summary.medianApiKb)} KB`);
    expect(rowOf('Lambda bundles')).toContain(
      `${range(rows.filter((r) => r.kb <= 1024).map((r) => r.kb))} KB`,
    );
    for (const r of rows.filter((r) => r.kb > 1024)) {
      expect(rowOf('Lambda bundles')).toContain(`${n(r.kb)} KB`);
      // Every bundle over 1 MB has its reason written down.
      expect(doc).toContain(`\`${r.function}\``);
    }
    expect(rowOf('Lambda bundles, SDK left to the runtime')).toContain(
      `median API handler ${n(summary.medianApiKbSdkFromRuntime)} KB`,
    );
    expect(rowOf('Lambda cold init (')).toContain(
      `median p50 ${n(summary.medianInitP50ms)} ms, p90 ${n(summary.medianInitP90ms)} ms (${bundles.initRuns} processes`,
    );
    expect(rowOf('Lambda cold init, SDK left to the runtime')).toContain(
      `median p50 ${n(summary.medianInitP50msSdkFromRuntime)} ms`,
    );
  });

  it('local engine at volume', () => {
    const volume = result('engine-volume');
    const windows = volume.windows as Array<{ eventsPerSecond: number }>;
    expect(rowOf('Local engine at volume')).toContain(
      `${n(windows[0]!.eventsPerSecond)} → ${n(windows.at(-1)!.eventsPerSecond)} events/s, flatness ${volume.flatness.toFixed(2)}`,
    );
  });

  it('KPIs', () => {
    const [row] = result('kpis').rows as Array<{
      itemsReadPerReport: number;
      requestsPerReport: number;
      medianMs: number;
      requestsToRecordChange: number;
    }>;
    expect(rowOf('KPI report, 90 days over 1,000,000 tickets')).toContain(
      `${n(row!.itemsReadPerReport)} items read in ${n(row!.requestsPerReport)} requests, median ${n(row!.medianMs)} ms; not truncated`,
    );
    expect(doc).toContain(`costs\n  ${n(row!.requestsToRecordChange)} DynamoDB requests`);
  });

  it('soak', () => {
    const soak = result('soak');
    expect(rowOf('Soak with faults')).toContain(
      `${soak.seconds} s run: ${soak.ticketsAccepted} tickets, ${soak.repliesAccepted} replies, ${soak.emailsAccepted} emails (${soak.emailRecords} recorded), ${soak.problems} problems`,
    );
  });

  it('DynamoDB requests and write units per ticket', () => {
    const rows = result('calls-per-ticket').results as Array<{
      requests: number;
      writeUnits: number;
      breakdown: Record<string, number>;
    }>;
    const quota = (r: (typeof rows)[number]) =>
      Object.entries(r.breakdown)
        .filter(([k]) => k.endsWith(' QUOTA'))
        .reduce((sum, [, v]) => sum + v, 0);
    const created = rows[0]!;
    expect(rowOf('DynamoDB requests, ticket created')).toContain(
      `| ${created.requests - quota(created)} (+${quota(created)} desk quota counter)`,
    );
    expect(rowOf('DynamoDB write units of that ticket')).toContain(`| ${created.writeUnits} WCU`);
    expect(rowOf('DynamoDB write units of one ticket change')).toContain(
      `| ${rows[1]!.writeUnits} WCU fresh ticket, ${rows[3]!.writeUnits} WCU after 30 replies`,
    );
  });
});
