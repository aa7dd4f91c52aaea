/**
 * API intake on the local stack: POST /tickets under load (autocannon), against raw dynalite
 * PutItem throughput measured in the same run as the baseline. Each accepted ticket also starts
 * its SLA workflow (Apply + park on the local engine), as on AWS.
 * Writes bench/results/api-intake.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';
import { startLocalStack } from '../local/stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 16;

const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-bench-intake-'));
const stack = await startLocalStack({
  dataDir,
  apiPort: 0,
  dynamoPort: 0,
  s3Port: 0,
  sfnPort: 0,
  sesPort: 0,
  smtpPort: 0,
  schedulerPort: 0,
});
// Keep the engine quiet during the run: structured logs would dominate the measurement.
const token = await stack.identity.issueToken({ role: 'customer', desk: 'techflow' });

// Baseline: raw PutItem against the same dynalite (LevelDB), 16 in flight.
const ddb = new DynamoDBClient({
  endpoint: stack.urls.dynamodb,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const baselineStart = Date.now();
let puts = 0;
await Promise.all(
  Array.from({ length: CONNECTIONS }, async (_, worker) => {
    while (Date.now() - baselineStart < DURATION_S * 1000) {
      await ddb.send(
        new PutItemCommand({
          TableName: 'tierdesk-local',
          Item: { pk: { S: `BENCH#${worker}#${puts}` }, sk: { S: 'X' }, payload: { S: 'x'.repeat(600) } },
        }),
      );
      puts++;
    }
  }),
);
const putsPerSecond = puts / ((Date.now() - baselineStart) / 1000);

let n = 0;
const result = await autocannon({
  url: `${stack.urls.api}/tickets`,
  connections: CONNECTIONS,
  duration: DURATION_S,
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
await stack.settle();
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
await stack.stop();
ddb.destroy();
rmSync(dataDir, { recursive: true, force: true });

const rows = [
  {
    measure: 'raw dynalite PutItem (16 in flight, LevelDB)',
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
];
const non2xx = result.non2xx;
console.table(rows);
console.log(
  `ratio API/PutItem: ${(result.requests.average / putsPerSecond).toFixed(3)}; non-2xx: ${non2xx}; errors: ${result.errors}`,
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
      ratioApiToRawPutItem: Number((result.requests.average / putsPerSecond).toFixed(3)),
      non2xx,
      errors: result.errors,
    },
    null,
    2,
  )}\n`,
);
process.exit(0);
