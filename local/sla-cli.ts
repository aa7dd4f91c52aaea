/**
 * `npm run sla -- preview --desk techflow --priority urgent --plan enterprise --channel email \
 *    --created 2026-03-06T15:00:00-05:00 [--events events.json] [--now ISO] [--pack pack.json] [--json]`
 * `npm run sla -- replay history.json [--desk techflow | --pack pack.json] [--json]`
 *
 * Preview times a hypothetical ticket against a desk's pack (or an inline pack file) and prints
 * every deadline, warning time, the event log and what would happen next. Replay runs a file of
 * ticket histories (`[{ id, events: [...] }]` or `{ desk?, tickets: [...] }`) and reports attainment.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { getPolicyPack, PACK_IDS } from '#shared/policy/packs.ts';
import { type PolicyPack, parsePolicyPack } from '#shared/policy/schema.ts';
import { dateHolidaysSource } from '#shared/sla/date-holidays-source.ts';
import { SlaInputEvent } from '#shared/sla/engine.ts';
import { useHolidaySource } from '#shared/sla/holiday-source.ts';

// Packs given with --pack may name any holiday source: use the full library here.
useHolidaySource(dateHolidaysSource);

import {
  type AttainmentCell,
  type AttainmentReport,
  type PreviewTicket,
  previewSla,
  ReplayTicket,
  replayAttainment,
  type SlaPreview,
} from '#shared/sla/preview.ts';

const USAGE = `usage:
  npm run sla -- preview --desk <${PACK_IDS.join('|')}> --priority <urgent|high|normal|low> --plan <plan>
                         --channel <email|api|chat|phone> --created <ISO> [--events file.json] [--now ISO] [--json]
  npm run sla -- replay <file.json> [--desk <desk> | --pack pack.json] [--json]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return fail(`cannot read ${path}: ${(err as Error).message}`);
  }
}

function loadPack(desk: string | undefined, packFile: string | undefined): PolicyPack {
  if (packFile) return parsePolicyPack(readJson(packFile), packFile);
  if (!desk) fail('give --desk or --pack');
  return getPolicyPack(desk);
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

function printPreview(p: SlaPreview): void {
  const out: string[] = [];
  out.push(`pack ${p.packId}@${p.packVersion}   now ${p.now}`);
  out.push(
    `ticket priority=${p.ticket.priority} plan=${p.ticket.plan} channel=${p.ticket.channel} status=${p.ticket.status} tier=${p.ticket.tier}`,
  );
  out.push('', 'metrics');
  out.push(
    `  ${pad('metric', 18)}${pad('#', 3)}${pad('state', 11)}${pad('target', 28)}${pad('elapsed', 9)}${pad('deadline', 26)}rule`,
  );
  for (const m of p.metrics) {
    const target = `${m.targetMinutes} ${m.clock === 'business' ? `bus (${m.calendar})` : 'cal'}`;
    out.push(
      `  ${pad(m.metric, 18)}${pad(String(m.cycle), 3)}${pad(m.state, 11)}${pad(target, 28)}${pad(String(m.elapsedMinutes), 9)}${pad(m.deadline ?? '-', 26)}${m.rule}`,
    );
    if (m.warnAt.length > 0) out.push(`  ${' '.repeat(32)}warn at ${m.warnAt.join(', ')}`);
  }
  out.push('', 'log');
  for (const l of p.log) out.push(`  ${l.at}  ${pad(l.type, 13)}${l.detail}  [${l.rule}@${l.packVersion}]`);
  out.push('', 'actions due');
  for (const a of p.actions) out.push(`  ${a.at}  ${describeAction(a)}`);
  out.push('', `next checkpoint: ${p.nextCheckpoint ?? 'none'}`);
  if (p.upcoming.length > 0) {
    out.push('', 'if nothing else happens');
    for (const a of p.upcoming) out.push(`  ${a.at}  ${describeAction(a)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function describeAction(a: SlaPreview['actions'][number]): string {
  const bits = [pad(a.kind, 16), a.metric ?? ''];
  if (a.toTier !== undefined) bits.push(`→ tier ${a.toTier}`);
  if (a.notice) {
    bits.push(
      `${a.notice.template} → ${a.notice.audience}${a.notice.promiseToCustomer ? ' (may state times)' : ''}`,
    );
  }
  bits.push(`  id=${a.id}`);
  return bits.filter(Boolean).join(' ');
}

function printReport(r: AttainmentReport): void {
  const out: string[] = [
    `pack ${r.packId}@${r.packVersion}   tickets ${r.tickets}   rejected ${r.rejected.length}`,
    '',
  ];
  out.push(
    `  ${pad('metric', 18)}${pad('priority', 10)}${pad('measured', 10)}${pad('met', 8)}${pad('breached', 10)}${pad('open', 8)}attainment`,
  );
  const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
  for (const [metric, cell] of Object.entries(r.byMetric)) {
    const rows: Array<[string, AttainmentCell]> = [['all', cell], ...Object.entries(cell.byPriority)];
    for (const [prio, c] of rows) {
      if (c.measured === 0 && c.open === 0) continue;
      out.push(
        `  ${pad(metric, 18)}${pad(prio, 10)}${pad(String(c.measured), 10)}${pad(String(c.met), 8)}${pad(String(c.breached), 10)}${pad(String(c.open), 8)}${pct(c.attainment)}`,
      );
    }
  }
  for (const x of r.rejected.slice(0, 20)) out.push(`  rejected ${x.id}: ${x.error}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      desk: { type: 'string' },
      pack: { type: 'string' },
      priority: { type: 'string' },
      plan: { type: 'string' },
      channel: { type: 'string' },
      created: { type: 'string' },
      events: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === 'preview') {
    const pack = loadPack(values.desk, values.pack);
    const ticket: PreviewTicket = {
      priority: (values.priority ?? pack.defaultPriority) as PreviewTicket['priority'],
      plan: values.plan ?? pack.defaultPlan,
      channel: (values.channel ?? 'email') as PreviewTicket['channel'],
      createdAt: values.created ?? fail('give --created <ISO date-time with offset>'),
    };
    const events = values.events ? z.array(SlaInputEvent).parse(readJson(values.events)) : [];
    const preview = previewSla({ pack, ticket, events, ...(values.now ? { now: values.now } : {}) });
    if (values.json) process.stdout.write(`${JSON.stringify(preview, null, 2)}\n`);
    else printPreview(preview);
    return;
  }
  if (command === 'replay') {
    const file = rest[0] ?? fail('give the history file');
    const raw = readJson(file);
    const doc = z
      .union([
        z.array(ReplayTicket),
        z.strictObject({ desk: z.string().optional(), tickets: z.array(ReplayTicket) }),
      ])
      .parse(raw);
    const tickets = Array.isArray(doc) ? doc : doc.tickets;
    const desk = values.desk ?? (Array.isArray(doc) ? undefined : doc.desk);
    const report = replayAttainment(loadPack(desk, values.pack), tickets);
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printReport(report);
    return;
  }
  fail(`unknown command ${command}`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  if (err instanceof z.core.$ZodError) fail(`invalid input:\n${z.prettifyError(err)}`);
  fail((err as Error).message);
}
