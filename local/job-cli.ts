import { parseArgs } from 'node:util';
import { SCHEDULES } from '#functions/manifest/schedules.ts';

/**
 * `npm run job -- <name> [--url http://127.0.0.1:3000]` runs one scheduled job on the running local
 * stack now (as EventBridge would on AWS) and prints its result. The stack owns the data directory
 * (dynalite locks it), so the job runs there, over HTTP: `POST /_local/jobs/<name>`.
 */
const JOBS = SCHEDULES.map((s) => s.id);
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const name = positionals[0];
if (values.help || !name) {
  console.error(
    `usage: npm run job -- <${JOBS.join('|')}> [--url http://127.0.0.1:${process.env.PORT ?? 3000}]`,
  );
  process.exit(name ? 0 : 2);
}
const base = values.url ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
let res: Response;
try {
  res = await fetch(`${base}/_local/jobs/${encodeURIComponent(name)}`, { method: 'POST' });
} catch (error) {
  console.error(`Cannot reach the local stack at ${base} (is \`npm start\` running?): ${String(error)}`);
  process.exit(1);
}
const text = await res.text();
if (res.status === 404) {
  console.error(`No job "${name}" on ${base}. Jobs: ${JOBS.join(', ')}.`);
  process.exit(2);
}
console.log(text);
process.exit(res.ok ? 0 : 1);
