import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { localApiUrl } from './cli-env.ts';

/**
 * `npm run purge -- --dry-run [--desk techflow] [--list] [--url http://127.0.0.1:3000]` shows, per desk
 * and data class, what the retention purge would remove now (the desk's pack rules, cut-offs,
 * legal holds), with a progress bar, and changes nothing. Without `--dry-run` it runs the purge job
 * (`POST /_local/jobs/retention-purge`) and prints the runs' audit summaries.
 *
 * It talks to the running stack over HTTP (dynalite's data directory is locked by `npm start`): the
 * dry run is the API's `POST /retention/preview`, called with a local lead token for each desk.
 */
const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    desk: { type: 'string', multiple: true },
    list: { type: 'boolean', default: false },
    url: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: npm run purge -- [--dry-run] [--desk <desk> ...] [--list] [--url http://127.0.0.1:3000]',
  );
  process.exit(0);
}
const base = values.url ?? localApiUrl();

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const payload = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(payload)}`);
  return payload ?? {};
}

let stack: Record<string, unknown>;
try {
  stack = await call('GET', '/');
} catch (error) {
  console.error(`Cannot reach the local stack at ${base} (is \`npm start\` running?): ${String(error)}`);
  process.exit(1);
}
const desks = values.desk?.length ? values.desk : (stack.desks as string[]);

type Row = {
  desk: string;
  dataClass: string;
  days: number;
  cutoff: string;
  examined: number;
  wouldPurge: number;
  keptLegalHold: number;
  keptRecentActivity: number;
};

function table(rows: Array<Record<string, string | number>>) {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]!);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i]!)).join('  ');
  console.log(line(cols));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}

if (!values['dry-run']) {
  console.log(`Running the retention purge on ${base} …`);
  const result = (await call('POST', '/_local/jobs/retention-purge')) as {
    status?: string;
    output?: { batch?: { summary?: Array<Record<string, unknown>> } };
  };
  const rows = (result.output?.batch?.summary ?? []).flatMap((run) =>
    (run.classes as Array<Record<string, unknown>>).map((c) => ({
      desk: String(run.desk),
      run: String(run.runId),
      class: String(c.dataClass),
      'cut-off': String(c.cutoff),
      purged: Number(c.purged),
      'kept (hold)': Number(c.keptLegalHold),
      'kept (active)': Number(c.keptRecentActivity),
      objects: Number(c.objectsDeleted),
    })),
  );
  table(rows);
  console.log(
    `\nexecution ${result.status ?? 'unknown'}; audit: GET /compliance/audit (manager) or the runs in the table`,
  );
  process.exit(result.status === 'SUCCEEDED' ? 0 : 1);
}

const tokens = new Map<string, string>();
for (const desk of desks) {
  const issued = await call('POST', '/_local/token', { role: 'lead', desk, sub: 'purge-cli' });
  tokens.set(desk, issued.token as string);
}
// Totals first (one COUNT read per class), so the bar knows how far it has to go.
const firsts = new Map<string, Record<string, unknown>>();
let total = 0;
for (const desk of desks) {
  const first = await call('POST', '/retention/preview', { totals: true, limit: 200 }, tokens.get(desk));
  firsts.set(desk, first);
  total += Object.values((first.candidates ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
}
const bar = new cliProgress.SingleBar(
  { format: 'dry run [{bar}] {value}/{total} items examined | {desk}', hideCursor: true },
  cliProgress.Presets.shades_classic,
);
bar.start(Math.max(total, 1), 0, { desk: '' });
const rows: Row[] = [];
const listed: string[] = [];
const notes: string[] = [];
for (const desk of desks) {
  let page = firsts.get(desk)!;
  const rules = page.rules as Array<{ dataClass: string; days: number; cutoff: string }>;
  for (const r of rules) {
    rows.push({
      desk,
      dataClass: r.dataClass,
      days: r.days,
      cutoff: r.cutoff,
      examined: 0,
      wouldPurge: 0,
      keptLegalHold: 0,
      keptRecentActivity: 0,
    });
  }
  for (const n of (page.notPurged ?? []) as Array<{ dataClass: string; reason: string }>)
    notes.push(`${desk} ${n.dataClass}: ${n.reason}`);
  for (;;) {
    const p = page.page as {
      dataClass: string;
      examined: number;
      wouldPurge: number;
      keptLegalHold: number;
      keptRecentActivity: number;
      items: Array<{ id: string; createdAt: string }>;
    } | null;
    if (p) {
      const row = rows.find((r) => r.desk === desk && r.dataClass === p.dataClass)!;
      row.examined += p.examined;
      row.wouldPurge += p.wouldPurge;
      row.keptLegalHold += p.keptLegalHold;
      row.keptRecentActivity += p.keptRecentActivity;
      if (values.list)
        for (const item of p.items)
          listed.push(`${desk}  ${p.dataClass}  ${item.id}  created ${item.createdAt}`);
      bar.increment(p.examined, { desk: `${desk} ${p.dataClass}` });
    }
    if (!page.cursor) break;
    page = await call('POST', '/retention/preview', { cursor: page.cursor, limit: 200 }, tokens.get(desk));
  }
}
bar.update(Math.max(total, 1), { desk: 'done' });
bar.stop();
console.log(
  `\nDry run at ${String(firsts.get(desks[0]!)?.asOf ?? '')} (virtual clock): nothing was changed.\n`,
);
table(
  rows.map((r) => ({
    desk: r.desk,
    class: r.dataClass,
    days: r.days,
    'cut-off': r.cutoff,
    examined: r.examined,
    'would purge': r.wouldPurge,
    'kept (hold)': r.keptLegalHold,
    'kept (active)': r.keptRecentActivity,
  })),
);
if (notes.length) console.log(`\nNot purged:\n  ${notes.join('\n  ')}`);
if (values.list && listed.length) console.log(`\nWould purge:\n  ${listed.join('\n  ')}`);
