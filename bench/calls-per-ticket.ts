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
import { createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { INDEX } from '#shared/store/table-keys.ts';
import { apiClient } from './api-client.ts';
import { startBenchStack } from './local-bench-stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL ??= 'ERROR';

type Item = Record<string, AttributeValue>;
const { itemSize } = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize: (item: Item) => number;
};
const sum = (bytes: Record<string, number>) => Object.values(bytes).reduce((a, b) => a + b, 0);
const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/**
 * The local engine's task tokens are 64 characters; AWS's are opaque and far longer (the SendTaskSuccess
 * reference allows up to 2,048; its earlier revisions said 1,024). Items are priced as if the stored token
 * had this length (BENCH_TASK_TOKEN_LENGTH, default 1,024), and again with the local token for comparison.
 */
const TASK_TOKEN_LENGTH = Number(process.env.BENCH_TASK_TOKEN_LENGTH ?? 1024);
function withTokenOf(length: number, item: Item | undefined): Item | undefined {
  const workflow = item?.workflow?.M;
  const token = workflow?.taskToken;
  if (!item || !workflow || !token) return item;
  const stored = token.B ? { B: new Uint8Array(Math.ceil((length * 3) / 4)) } : { S: 'A'.repeat(length) };
  return { ...item, workflow: { M: { ...workflow, taskToken: stored } } };
}

/** The local DynamoDB behind the counting proxy (known once the stack has started it). */
let dynamoUrl = '';
const TABLE = tableDefinition('x');
const INDEXES = (TABLE.GlobalSecondaryIndexes ?? []).map((g) => ({
  name: g.IndexName!,
  keys: (g.KeySchema ?? []).map((k) => k.AttributeName!),
  projection: g.Projection?.ProjectionType ?? 'ALL',
  include: g.Projection?.NonKeyAttributes ?? [],
}));

/** The index item a table item makes (undefined: not in the index). */
function indexItem(index: (typeof INDEXES)[number], item: Item | undefined): Item | undefined {
  if (!item || index.keys.some((k) => !item[k])) return undefined;
  if (index.projection === 'ALL') return item;
  const names = ['pk', 'sk', ...index.keys, ...(index.projection === 'INCLUDE' ? index.include : [])];
  return Object.fromEntries(names.filter((n) => item[n]).map((n) => [n, item[n]!]));
}

interface Priced {
  table: number;
  indexes: Record<string, number>;
  itemBytes: number;
}
function price(
  rawBefore: Item | undefined,
  rawAfter: Item | undefined,
  failed: boolean,
  tokenLength: number | undefined,
): Priced {
  const before = tokenLength === undefined ? rawBefore : withTokenOf(tokenLength, rawBefore);
  const after = tokenLength === undefined ? rawAfter : withTokenOf(tokenLength, rawAfter);
  const table = units(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0));
  const indexes: Record<string, number> = {};
  if (!failed) {
    for (const index of INDEXES) {
      const a = indexItem(index, before);
      const b = indexItem(index, after);
      const size = (i: Item) => itemSize(i) + 100;
      let wcu = 0;
      if (a && b) {
        const sameKeys = index.keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
        if (!sameKeys) wcu = units(size(a)) + units(size(b));
        else if (JSON.stringify(a) !== JSON.stringify(b)) wcu = units(Math.max(size(a), size(b)));
      } else if (a) wcu = units(size(a));
      else if (b) wcu = units(size(b));
      if (wcu) indexes[index.name] = wcu;
    }
  }
  return { table, indexes, itemBytes: after ? itemSize(after) : 0 };
}

/** What an item is, from its key: `TICKET`, `MESSAGE`, `IDEMPOTENCY`, `MAILID`, `ACT`, … */
function kindOf(key: Item | undefined): string {
  const pk = key?.pk?.S ?? '';
  const sk = key?.sk?.S ?? '';
  if (sk === 'QUOTA') return 'QUOTA';
  const part = pk.split('#')[2] ?? '?';
  if (part !== 'TICKET') return part;
  return sk
    .split('#')
    .slice(0, sk.startsWith('TICKET#') ? 2 : 1)
    .join('#');
}

let rawClient: DynamoDBClient | undefined;
const raw = () =>
  (rawClient ??= new DynamoDBClient({
    endpoint: dynamoUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  }));
const read = async (table: string, key: Item) =>
  (await raw().send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
const keyOf = (item: Item): Item => ({ pk: item.pk!, sk: item.sk! });

interface Call {
  phase: string;
  op: string;
  what: string;
  failed?: boolean;
  wcu?: number;
  /** The same write with the local engine's 64-character token. */
  wcuLocalToken?: number;
  indexWcu?: Record<string, number>;
  itemBytes?: number[];
  itemBytesLocalToken?: number[];
  /** Bytes per attribute of the ticket item after the write (local token). */
  ticketAttributes?: Record<string, number>;
}
let phase = 'setup';
const calls: Call[] = [];
let writeLock: Promise<void> = Promise.resolve();

const forward = (path: string, headers: Record<string, unknown>, body: Buffer) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((ok, fail) => {
    const url = new URL(dynamoUrl);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: 'POST', headers: headers as never },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', fail);
    req.end(body);
  });

const proxy = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
    const input = JSON.parse(body.toString() || '{}');
    const writes: Array<{ table: string; key: Item; transactional?: boolean }> = [];
    if (op === 'PutItem') writes.push({ table: input.TableName, key: keyOf(input.Item) });
    if (op === 'UpdateItem' || op === 'DeleteItem') writes.push({ table: input.TableName, key: input.Key });
    if (op === 'BatchWriteItem') {
      for (const [table, requests] of Object.entries(input.RequestItems as Record<string, unknown[]>)) {
        for (const r of requests as Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>) {
          writes.push({ table, key: r.PutRequest ? keyOf(r.PutRequest.Item) : r.DeleteRequest!.Key });
        }
      }
    }
    if (op === 'TransactWriteItems') {
      for (const t of input.TransactItems as Array<
        Record<string, { TableName: string; Key?: Item; Item?: Item }>
      >) {
        const w = Object.values(t)[0]!;
        writes.push({ table: w.TableName, key: w.Key ?? keyOf(w.Item!), transactional: true });
      }
    }
    const callPhase = phase;
    let release = () => {};
    if (writes.length) {
      const previous = writeLock;
      writeLock = new Promise((r) => {
        release = r;
      });
      await previous;
    }
    try {
      const before = await Promise.all(writes.map((w) => read(w.table, w.key)));
      const answer = await forward(req.url ?? '/', req.headers as Record<string, unknown>, body);
      const failed = answer.status !== 200;
      const after = failed ? before : await Promise.all(writes.map((w) => read(w.table, w.key)));
      const what =
        op === 'Query'
          ? (input.IndexName ??
            `${String(input.ExpressionAttributeValues?.[':pk']?.S ?? '').split('#')[2] ?? '?'} partition`)
          : op === 'GetItem'
            ? kindOf(input.Key)
            : op === 'BatchGetItem'
              ? 'batch'
              : writes.map((w) => kindOf(w.key)).join('+');
      const call: Call = { phase: callPhase, op, what, ...(failed ? { failed: true } : {}) };
      if (writes.length) {
        const priceAll = (tokenLength: number | undefined) =>
          writes.map((w, i) => {
            const p = price(before[i], after[i], failed, tokenLength);
            const factor = w.transactional ? 2 : 1;
            return {
              ...p,
              table: p.table * factor,
              indexes: Object.fromEntries(Object.entries(p.indexes).map(([k, v]) => [k, v * factor])),
            };
          });
        const total = (ps: ReturnType<typeof priceAll>) =>
          ps.reduce((n, p) => n + p.table + Object.values(p.indexes).reduce((a, b) => a + b, 0), 0);
        const priced = priceAll(TASK_TOKEN_LENGTH);
        const local = priceAll(undefined);
        call.wcuLocalToken = total(local);
        call.itemBytesLocalToken = local.map((p) => p.itemBytes);
        const ticketAfter = after[writes.findIndex((w) => w.key.sk?.S === 'TICKET')];
        if (ticketAfter)
          call.ticketAttributes = Object.fromEntries(
            Object.entries(ticketAfter).map(([k, v]) => [k, itemSize({ [k]: v })]),
          );
        call.indexWcu = {};
        for (const p of priced)
          for (const [k, v] of Object.entries(p.indexes)) call.indexWcu[k] = (call.indexWcu[k] ?? 0) + v;
        call.wcu = total(priced);
        call.itemBytes = priced.map((p) => p.itemBytes);
      }
      calls.push(call);
      res.writeHead(answer.status, answer.headers as never);
      res.end(answer.body);
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    } finally {
      release();
    }
  });
});
await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', () => ok()));
// The handlers' DynamoDB client goes through the counting proxy; the proxy forwards to the stack's DynamoDB.
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
const bench = await startBenchStack('calls', {
  dynamoEndpointFor: (url) => {
    dynamoUrl = url;
    return proxyUrl;
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
  phase = 'idle';
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
  phase = 'request';
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
  phase = 'workflow';
  return body.id as string;
}
async function reply(id: string, who: string, text: string) {
  phase = 'request';
  const { status } = await call('POST', `/tickets/${id}/messages`, who, { body: text });
  if (status >= 300) throw new Error(`reply answered ${status}`);
  phase = 'workflow';
}
async function patch(id: string, change: unknown) {
  phase = 'read';
  const got = await call('GET', `/tickets/${id}`, agent);
  phase = 'request';
  const { status } = await call('PATCH', `/tickets/${id}`, agent, change, {
    'if-match': got.res.headers.get('etag')!,
  });
  if (status >= 300) throw new Error(`PATCH answered ${status}`);
  phase = 'workflow';
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
phase = 'idle';
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
rawClient?.destroy();

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
