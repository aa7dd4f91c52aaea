import { parseArgs } from 'node:util';
import { SCHEDULES } from '#functions/manifest/schedules.ts';
import { localApiUrl } from './cli-env.ts';
import { summarizeJob } from './job-summary.ts';

/**
 * `npm run job -- <name> [--url http://127.0.0.1:3000] [--json]` runs one scheduled job on the running
 * local stack now (as EventBridge would on AWS) and prints a one-line summary (`--json`: its raw result). The stack owns the data directory
 * (dynalite locks it), so the job runs there, over HTTP: `POST /_local/jobs/<name>`.
 */
const JOBS = SCHEDULES.map((s) => s.id);
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});
const name = positionals[0];
if (values.help || !name) {
  console.error(`usage: npm run job -- <${JOBS.join('|')}> [--url ${localApiUrl()}] [--json]`);
  process.exit(name ? 0 : 2);
}
const base = values.url ?? localApiUrl();
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
if (values.json) console.log(text);
else {
  let result: unknown = text;
  try {
    result = JSON.parse(text);
  } catch {
    // not JSON (an error page): the summary says failed, the text follows
  }
  if (!res.ok) console.error(text);
  console.log(summarizeJob(name, res.ok, result));
}
process.exit(res.ok ? 0 : 1);
