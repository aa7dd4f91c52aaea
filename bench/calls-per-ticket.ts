/**
 * DynamoDB requests and write units per ticket, counted on the local stack: a counting proxy sits
 * in front of dynalite and every handler's DynamoDB client is pointed at it. For each write the
 * proxy reads the item before and after (straight from dynalite, not counted) and prices it from
 * the item sizes: 1 WCU per started KB per item, for the table and for every index whose keys or
 * projection the write touches (index items carry 100 bytes of overhead; a key change is a delete
 * plus a put; transactions cost double). Scenarios: a ticket created through the API, acknowledged
 * by mail and parked; then single changes (agent reply, status change) on a fresh ticket and on one
 * with a long history. Writes bench/results/calls-per-ticket.json and prints the breakdown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { INDEX } from '#shared/store/table-keys.ts';
import { apiClient } from './api-client.ts';
import { type Call, INDEXES, startCountingProxy, sum, TASK_TOKEN_LENGTH } from './dynamo-counting-proxy.ts';
import { startBenchStack } from './local-bench-stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL ??= 'ERROR';

const proxy = await startCountingProxy();
const { calls, state } = proxy;
const bench = await startBenchStack('calls', {
  dynamoEndpointFor: (url) => {
    proxy.forwardTo(url);
    return proxy.url;
  },
});
const { stack } = bench;

const call = apiClient(stack.urls.api);
await call('POST', '/_local/clock', undefined, { set: '2030-03-04T15:00:00Z' });
const customer = await stack.identity.issueToken({ role: 'customer', desk: 'techflow', plan: 'enterprise' });
const agent = await stack.identity.issueToken({ role: 'agent', desk: 'techflow' });

/** The outbound sweep and the reconciler run on fixed schedules: costed per month, not per ticket. */
const isSchedule = (c: Call) =>
  c.op === 'Query' && (c.what === 'OUTBOX partition' || c.what === INDEX.byWorkflowPending);

async function measure(name: string, act: () => Promise<void>) {
  const from = calls.length;
  const usage = stack.usage.snapshot();
  const mailBefore = (await stack.mail.outbox()).length;
  await act();
  await stack.settle();
  state.phase = 'idle';
  const mine = calls.slice(from).filter((c) => !isSchedule(c));
  const after = stack.usage.snapshot();
  const lambdas = Object.keys(after.counts)
    .filter((k) => k.startsWith('lambda:') && !/reconcile|sweep/i.test(k))
    .reduce((n, k) => n + (after.counts[k] ?? 0) - (usage.counts[k] ?? 0), 0);
  const breakdown: Record<string, number> = {};
  for (const c of mine) {
    const k = `${c.phase}: ${c.op} ${c.what}${c.failed ? ' (condition failed)' : ''}`;
    breakdown[k] = (breakdown[k] ?? 0) + 1;
  }
  const byOp: Record<string, number> = {};
  for (const c of mine) byOp[c.op] = (byOp[c.op] ?? 0) + 1;
  const indexWcu: Record<string, number> = {};
  for (const c of mine)
    for (const [k, v] of Object.entries(c.indexWcu ?? {})) indexWcu[k] = (indexWcu[k] ?? 0) + v;
  return {
    scenario: name,
    requests: mine.length,
    byOperation: byOp,
    breakdown,
    writeUnits: mine.reduce((n, c) => n + (c.wcu ?? 0), 0),
    writeUnitsLocalToken: mine.reduce((n, c) => n + (c.wcuLocalToken ?? 0), 0),
    tableWriteUnits: mine.reduce(
      (n, c) => n + (c.wcu ?? 0) - Object.values(c.indexWcu ?? {}).reduce((a, b) => a + b, 0),
      0,
    ),
    indexWriteUnits: indexWcu,
    largestTicketItemBytes: Math.max(
      0,
      ...mine.filter((c) => c.what.split('+').includes('TICKET')).flatMap((c) => c.itemBytes ?? []),
    ),
    /** What the largest ticket item written holds, bytes per attribute (local token). */
    ticketItemComposition: mine
      .flatMap((c) => (c.ticketAttributes ? [c.ticketAttributes] : []))
      .reduce<Record<string, number> | undefined>((a, c) => (sum(c) > sum(a ?? {}) ? c : a), undefined),
    largestTicketItemBytesLocalToken: Math.max(
      0,
      ...mine.filter((c) => c.what.split('+').includes('TICKET')).flatMap((c) => c.itemBytesLocalToken ?? []),
    ),
    functionInvocations: lambdas,
    emails: (await stack.mail.outbox()).length - mailBefore,
    writes: mine
      .filter((c) => c.wcu !== undefined)
      .map((c) => ({
        phase: c.phase,
        op: c.op,
        what: c.what,
        wcu: c.wcu,
        wcuLocalToken: c.wcuLocalToken,
        indexes: c.indexWcu,
        bytes: c.itemBytes,
        bytesLocalToken: c.itemBytesLocalToken,
      })),
  };
}

let seq = 0;
async function createTicket(): Promise<string> {
  state.phase = 'request';
  const { status, body } = await call(
    'POST',
    '/tickets',
    customer,
    {
      subject: 'Cannot log in to the billing portal',
      description: 'The login page says my password is wrong since this morning. '.repeat(4),
      priority: 'high',
    },
    { 'idempotency-key': `bench-calls-${process.pid}-${seq++}` },
  );
  if (status !== 201 && status !== 200) throw new Error(`POST /tickets answered ${status}`);
  state.phase = 'workflow';
  return body.id as string;
}
async function reply(id: string, who: string, text: string) {
  state.phase = 'request';
  const { status } = await call('POST', `/tickets/${id}/messages`, who, { body: text });
  if (status >= 300) throw new Error(`reply answered ${status}`);
  state.phase = 'workflow';
}
async function patch(id: string, change: unknown) {
  state.phase = 'read';
  const got = await call('GET', `/tickets/${id}`, agent);
  state.phase = 'request';
  const { status } = await call('PATCH', `/tickets/${id}`, agent, change, {
    'if-match': got.res.headers.get('etag')!,
  });
  if (status >= 300) throw new Error(`PATCH answered ${status}`);
  state.phase = 'workflow';
}

const results = [];
let id = '';
results.push(
  await measure('created through the API, acknowledged by mail, parked', async () => {
    id = await createTicket();
  }),
);
results.push(
  await measure('agent public reply (fresh ticket)', () => reply(id, agent, 'We reset your session.')),
);
results.push(
  await measure('status change to pending (fresh ticket)', () => patch(id, { status: 'pending' })),
);
// A long history: 15 replies each way, then the same two changes.
const historyFrom = calls.length;
for (let i = 0; i < 15; i++) {
  await reply(id, customer, `Still failing, attempt ${i}. `.repeat(5));
  await stack.settle();
  await reply(id, agent, `Please try again now (${i}).`);
  await stack.settle();
}
state.phase = 'idle';
/** The 30 replies' API commits: how often the activity buffer was copied out, at what cost (amortised). */
const historyCommits = calls.slice(historyFrom).filter((c) => c.phase === 'request' && c.wcu !== undefined);
const ticketWrites = calls
  .slice(historyFrom)
  .filter((c) => c.ticketAttributes)
  .map((c) => sum(c.ticketAttributes!));
const activityWrites = historyCommits.filter((c) => c.what === 'TICKET#ACTIVITY');
const history = {
  changes: 30,
  activityItemWrites: activityWrites.length,
  activityWriteUnits: activityWrites.reduce((n, c) => n + (c.wcu ?? 0), 0),
  requestWriteUnits: historyCommits.reduce((n, c) => n + (c.wcu ?? 0), 0),
  /** Every ticket item write of the loop (API and workflow), local token: the largest, and how many passed 2 KB. */
  ticketItemWrites: ticketWrites.length,
  largestTicketItemBytesLocalToken: Math.max(0, ...ticketWrites),
  ticketItemWritesOver2KbLocalToken: ticketWrites.filter((b) => b > 2048).length,
};
results.push(
  await measure('agent public reply (after 30 replies)', () => reply(id, agent, 'One more thing to try.')),
);
results.push(
  await measure('status change to pending (after 30 replies)', () => patch(id, { status: 'pending' })),
);

await bench.stop();
proxy.close();

for (const r of results) {
  console.log(
    `\n${r.scenario}: ${r.requests} DynamoDB requests, ${r.writeUnits} WCU with a ${TASK_TOKEN_LENGTH}-character task token, ${r.writeUnitsLocalToken} with the local one (table ${r.tableWriteUnits}, indexes ${JSON.stringify(r.indexWriteUnits)}), ticket item ≤ ${r.largestTicketItemBytes} B, ${r.functionInvocations} function invocations, ${r.emails} emails`,
  );
  console.table(Object.entries(r.breakdown).map(([call, count]) => ({ call, count })));
}
console.log(
  `\n30 replies: ${history.activityItemWrites} activity chunk writes (${history.activityWriteUnits} WCU), ${history.requestWriteUnits} WCU for the API requests' writes in all; ${history.ticketItemWrites} ticket item writes, largest ${history.largestTicketItemBytesLocalToken} B, ${history.ticketItemWritesOver2KbLocalToken} over 2 KB (local token)`,
);
console.log('\nwrites (WCU from item sizes):');
console.table(
  results.flatMap((r) =>
    r.writes.map((w) => ({
      scenario: r.scenario.slice(0, 34),
      call: `${w.phase}: ${w.op} ${w.what}`,
      wcu: w.wcu,
      'wcu (local token)': w.wcuLocalToken,
      indexes: JSON.stringify(w.indexes),
      bytes: (w.bytes ?? []).join('+'),
    })),
  ),
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const name = process.env.BENCH_RESULT_NAME ?? 'calls-per-ticket';
writeFileSync(
  new URL(`./results/${name}.json`, import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'calls-per-ticket',
      measuredAt: new Date().toISOString(),
      node: process.version,
      taskTokenLength: TASK_TOKEN_LENGTH,
      goal: '<= 8 DynamoDB requests for a ticket created, acknowledged and parked; <= 6 WCU per ticket change',
      indexes: INDEXES.map((i) => ({ name: i.name, projection: i.projection, include: i.include })),
      results,
      history,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
