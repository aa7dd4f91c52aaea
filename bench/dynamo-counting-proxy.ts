/**
 * A counting proxy in front of the local DynamoDB: every handler's DynamoDB client is pointed at it
 * (`dynamoEndpointFor`). It records each request (operation, what it touched, the phase the benchmark
 * says it is in) and prices each write from the item sizes, reading the item before and after
 * straight from dynalite (not counted): 1 WCU per started KB per item, for the table and for every
 * index whose keys or projection the write touches (index items carry 100 bytes of overhead; a key
 * change is a delete plus a put; transactions cost double). Items holding a task token are priced as
 * if the token had AWS's length (the local engine's are 64 characters), and again with the local one.
 * Writes are serialised so the before/after reads see only their own write.
 */
import { createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '#shared/store/table-definition.ts';

export type Item = Record<string, AttributeValue>;
export const { itemSize } = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize: (item: Item) => number;
};
export const sum = (bytes: Record<string, number>) => Object.values(bytes).reduce((a, b) => a + b, 0);
const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/**
 * The local engine's task tokens are 64 characters; AWS's are opaque and far longer (the SendTaskSuccess
 * reference allows up to 2,048; its earlier revisions said 1,024). Items are priced as if the stored token
 * had this length (BENCH_TASK_TOKEN_LENGTH, default 1,024), and again with the local token for comparison.
 */
export const TASK_TOKEN_LENGTH = Number(process.env.BENCH_TASK_TOKEN_LENGTH ?? 1024);
function withTokenOf(length: number, item: Item | undefined): Item | undefined {
  const workflow = item?.workflow?.M;
  const token = workflow?.taskToken;
  if (!item || !workflow || !token) return item;
  const stored = token.B ? { B: new Uint8Array(Math.ceil((length * 3) / 4)) } : { S: 'A'.repeat(length) };
  return { ...item, workflow: { M: { ...workflow, taskToken: stored } } };
}

const TABLE = tableDefinition('x');
export const INDEXES = (TABLE.GlobalSecondaryIndexes ?? []).map((g) => ({
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

export interface Call {
  phase: string;
  op: string;
  what: string;
  /** Read units of a read, from the sizes of the items it returned (4 KB units; eventually consistent ½). */
  rcu?: number;
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

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const readUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

/**
 * What a read costs: a GetItem or each BatchGetItem item one unit per started 4 KB of its item, a
 * Query or Scan one per started 4 KB of all it returned together (index items: what they project);
 * half for an eventually consistent read.
 */
function readUnits(
  op: string,
  input: { ConsistentRead?: boolean; RequestItems?: Record<string, { ConsistentRead?: boolean }> },
  output: { Item?: Item; Items?: Item[]; Responses?: Record<string, Item[]> },
): number {
  const factor = (consistent: boolean | undefined) => (consistent ? 1 : 0.5);
  if (op === 'GetItem')
    // A miss costs the minimum unit too.
    return readUnitsOf(output.Item ? itemSize(output.Item) : 0) * factor(input.ConsistentRead);
  if (op === 'BatchGetItem')
    return Object.entries(output.Responses ?? {}).reduce(
      (n, [table, items]) =>
        n +
        items.reduce((m, item) => m + readUnitsOf(itemSize(item)), 0) *
          factor(input.RequestItems?.[table]?.ConsistentRead),
      0,
    );
  const bytes = (output.Items ?? []).reduce((n, item) => n + itemSize(item), 0);
  return readUnitsOf(bytes) * factor(input.ConsistentRead);
}

export interface CountingProxy {
  /** Where handlers' DynamoDB clients send their requests. */
  url: string;
  /** Every request so far, in order. */
  calls: Call[];
  /** Labels the calls recorded from now on (`request`, `workflow`, …). */
  state: { phase: string };
  /** The DynamoDB the proxy forwards to (known once the stack has started it). */
  forwardTo(url: string): void;
  close(): void;
}

export async function startCountingProxy(): Promise<CountingProxy> {
  let dynamoUrl = '';
  const state = { phase: 'setup' };
  const calls: Call[] = [];
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
      const callPhase = state.phase;
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
        if (!failed && READS.has(op)) call.rcu = readUnits(op, input, JSON.parse(answer.body.toString()));
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
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    calls,
    state,
    forwardTo: (url) => {
      dynamoUrl = url;
    },
    close() {
      proxy.close();
      rawClient?.destroy();
    },
  };
}
