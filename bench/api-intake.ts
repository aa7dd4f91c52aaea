/**
 * API intake on the local stack: POST /tickets under load (autocannon), against raw dynalite
 * PutItem throughput measured in the same run as the baseline. Each accepted ticket also starts
 * its SLA workflow (Apply + park on the local engine), as on AWS.
 *
 * Every DynamoDB request of a ticket (the API's and its workflow's) goes to the same dynalite, so
 * intake cannot beat raw PutItem/s ÷ DynamoDB requests per ticket: that is the bound. The requests
 * per ticket are counted in this run (the stack's meter counts every request dynalite serves), and
 * the result is stated as a ratio to the bound: tickets/s ÷ (PutItem/s ÷ requests per ticket); goal
 * ≥ 0.5. Writes bench/results/api-intake.json.
 *
 * Fairness: autocannon runs in this process, on the same main thread as the stack, as the baseline's
 * load (the stack's own DynamoDB client sending PutItem) does: each side carries its own client's CPU.
 * The same PutItems through the AWS SDK's client are measured too, for comparison with earlier runs. Both sides
 * are warmed up first (handler modules loaded, JIT, connections open) and not counted. The tickets
 * counted are the ones the stack answered in the measured window, in-flight ones at its end included
 * (autocannon drops those from its count, but their DynamoDB requests were made), so requests per
 * ticket divides the window's requests by its own tickets.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand as SdkPutCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { captureMetrics } from '#shared/observability/metrics.ts';
import { dynamoDocumentClient, PutCommand } from '#shared/runtime/aws/dynamodb.ts';
import { startBenchStack } from './local-bench-stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Quiet: a log and metric line per request would dominate the measurement.
process.env.LOG_LEVEL ??= 'ERROR';
captureMetrics(() => {});
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const WARM_UP_S = 2;
const CONNECTIONS = 16;

const bench = await startBenchStack('intake');
const { stack } = bench;
// Keep the engine quiet during the run: structured logs would dominate the measurement.
const token = await stack.identity.issueToken({ role: 'customer', desk: 'techflow' });

// Baseline: raw PutItem against the same dynalite (LevelDB), 16 in flight, measured before and after
// the intake run (the mean), so a change in the machine's load during the run weighs on both sides.
// Sent through the DynamoDB client the stack's handlers use (the lean one), so both sides pay the same client.
const ddb = dynamoDocumentClient({
  endpoint: stack.urls.dynamodb,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
// For comparison only: the same PutItems through the AWS SDK's document client, the baseline this bench
// used before the handlers moved to the lean client. The SDK's client costs more CPU per request than
// dynalite does, so it measured the client more than the database.
const sdk = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: stack.urls.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  }),
);
type PutItem = { TableName: string; Item: Record<string, unknown> };
const throughLean = (input: PutItem) => ddb.send(new PutCommand(input));
const throughSdk = (input: PutItem) => sdk.send(new SdkPutCommand(input));
let puts = 0;
async function putItemsPerSecond(seconds: number, put = throughLean): Promise<number> {
  const start = Date.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, worker) => {
      while (Date.now() - start < seconds * 1000) {
        await put({
          TableName: 'tierdesk-local',
          Item: { pk: `BENCH#${worker}#${puts++}`, sk: 'X', payload: 'x'.repeat(600) },
        });
        done++;
      }
    }),
  );
  return done / ((Date.now() - start) / 1000);
}
await putItemsPerSecond(WARM_UP_S / 2);
await putItemsPerSecond(WARM_UP_S / 2, throughSdk);
const putsBefore = await putItemsPerSecond(DURATION_S / 2);
const sdkPutsBefore = await putItemsPerSecond(DURATION_S / 2, throughSdk);

const dynamoCounts = () =>
  Object.fromEntries(
    Object.entries(stack.usage.snapshot().counts).filter(([what]) => what.startsWith('dynamodb:')),
  ) as Record<string, number>;
const dynamoRequests = () => Object.values(dynamoCounts()).reduce((sum, count) => sum + count, 0);

let n = 0;
const postTickets = (seconds: number) =>
  autocannon({
    url: `${stack.urls.api}/tickets`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': `bench-${process.pid}-${n++}`,
          },
          body: JSON.stringify({
            subject: `Bench ticket ${n}`,
            description: 'Load test ticket body '.repeat(10),
            priority: 'normal',
          }),
        }),
      },
    ],
  });
// Warm-up (not counted): the first tickets load the handlers and JIT the path.
await postTickets(WARM_UP_S);
await stack.settle();
const apiRequests = () => stack.usage.snapshot().counts['api:request'] ?? 0;
const countsBefore = dynamoCounts();
const requestsBefore = dynamoRequests();
const ticketsBefore = apiRequests();
const eventsBefore = stack.stepFunctions.eventsRecorded;
const loadBefore = loadavg()[0]!;
const cpuBefore = process.cpuUsage();
const result = await postTickets(DURATION_S);
await stack.settle();
// The process's CPU (all threads) over the window and its settling, per ticket: less sensitive to the
// machine's load than req/s.
const cpu = process.cpuUsage(cpuBefore);
const loadAfter = loadavg()[0]!;
// Every request of the window was a POST /tickets; non2xx says whether any was refused.
const accepted = apiRequests() - ticketsBefore;
const dynamoPerTicket = (dynamoRequests() - requestsBefore) / accepted;
const cpuMsPerTicket = (cpu.user + cpu.system) / 1000 / accepted;
const historyEventsPerTicket = (stack.stepFunctions.eventsRecorded - eventsBefore) / accepted;
// Per operation, per ticket: what the run's requests were (the API's, the workflow's, the sweeps').
const countsAfter = dynamoCounts();
const perOperation = Object.fromEntries(
  Object.entries(countsAfter)
    .map(([what, count]) => [what.slice('dynamodb:'.length), (count - (countsBefore[what] ?? 0)) / accepted])
    .filter(([, perTicket]) => Number(perTicket) > 0)
    .map(([op, perTicket]) => [op, Number(Number(perTicket).toFixed(2))]),
);
const sdkPutsPerSecond = (sdkPutsBefore + (await putItemsPerSecond(DURATION_S / 2, throughSdk))) / 2;
const putsPerSecond = (putsBefore + (await putItemsPerSecond(DURATION_S / 2))) / 2;
const bound = putsPerSecond / dynamoPerTicket;
const ratio = result.requests.average / bound;
const sdkBound = sdkPutsPerSecond / dynamoPerTicket;
const ratioToSdkBound = result.requests.average / sdkBound;
const failures = new Map<string, number>();
for (const e of stack.stepFunctions.listExecutions(stack.stateMachineArn)) {
  for (const ev of stack.stepFunctions.getExecutionHistory(e.executionArn)) {
    if (ev.type === 'LambdaFunctionFailed' || ev.type === 'TaskFailed') {
      const d = (ev.lambdaFunctionFailedEventDetails ?? ev.taskFailedEventDetails) as {
        error: string;
        cause: string;
      };
      const k = `${d.error}: ${d.cause.slice(0, 120)}`;
      failures.set(k, (failures.get(k) ?? 0) + 1);
    }
  }
}
if (failures.size) console.log('workflow task failures during the run:', Object.fromEntries(failures));
await bench.stop();
ddb.destroy();
sdk.destroy();

const rows = [
  {
    measure: 'raw dynalite PutItem (16 in flight, LevelDB; before and after)',
    perSecond: Math.round(putsPerSecond),
    p50ms: null,
    p99ms: null,
  },
  {
    measure: 'POST /tickets via the local API (16 connections)',
    perSecond: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
  },
  {
    measure: `bound: PutItem/s ÷ ${dynamoPerTicket.toFixed(1)} DynamoDB requests per ticket`,
    perSecond: Math.round(bound),
    p50ms: null,
    p99ms: null,
  },
  {
    measure: 'comparison: raw dynalite PutItem through the AWS SDK client (16 in flight; before and after)',
    perSecond: Math.round(sdkPutsPerSecond),
    p50ms: null,
    p99ms: null,
  },
];
const non2xx = result.non2xx;
console.table(rows);
console.log(`DynamoDB requests per ticket by operation: ${JSON.stringify(perOperation)}`);
console.log(
  `${accepted} tickets accepted; ${dynamoPerTicket.toFixed(1)} DynamoDB requests per ticket; ratio to the bound ${ratio.toFixed(2)} (goal ≥ 0.5; ${ratioToSdkBound.toFixed(2)} against the SDK client's PutItem/s); non-2xx: ${non2xx}; errors: ${result.errors}`,
);
console.log(
  `process CPU ${cpuMsPerTicket.toFixed(1)} ms per ticket; ${historyEventsPerTicket.toFixed(1)} history events per ticket; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (2 cores)`,
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/api-intake.json', import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'api-intake',
      measuredAt: new Date().toISOString(),
      node: process.version,
      durationSeconds: DURATION_S,
      connections: CONNECTIONS,
      rows,
      loadAverage: { before: Number(loadBefore.toFixed(1)), after: Number(loadAfter.toFixed(1)) },
      ticketsAccepted: accepted,
      ticketsAnsweredToAutocannon: result['2xx'],
      cpuMsPerTicket: Number(cpuMsPerTicket.toFixed(1)),
      historyEventsPerTicket: Number(historyEventsPerTicket.toFixed(1)),
      dynamoRequestsPerTicket: Number(dynamoPerTicket.toFixed(1)),
      dynamoRequestsPerTicketByOperation: perOperation,
      boundPerSecond: Math.round(bound),
      ratioToBound: Number(ratio.toFixed(2)),
      sdkClientBoundPerSecond: Math.round(sdkBound),
      ratioToSdkClientBound: Number(ratioToSdkBound.toFixed(2)),
      goalRatio: 0.5,
      non2xx,
      errors: result.errors,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
