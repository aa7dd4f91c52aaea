/**
 * Per-ticket usage for typical lifecycles on each desk, counted on the local stack: Step Functions
 * state transitions (StateEntered events in the execution history), function invocations and run
 * time, DynamoDB requests and their units (priced from item sizes by the counting proxy, task tokens
 * at AWS's length), API requests and emails. The scheduled jobs are off: the cost model prices them
 * per month, not per ticket. The cost model (npm run cost) reads it. Writes
 * bench/results/workflow-transitions.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { apiClient } from './api-client.ts';
import { startCountingProxy, TASK_TOKEN_LENGTH } from './dynamo-counting-proxy.ts';
import { startBenchStack } from './local-bench-stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL ??= 'ERROR';

const proxy = await startCountingProxy();
const bench = await startBenchStack('transitions', {
  dynamoEndpointFor: (url) => {
    proxy.forwardTo(url);
    return proxy.url;
  },
  schedules: false,
});
const { stack } = bench;
await fetch(`${stack.urls.api}/_local/clock`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ set: '2030-03-04T15:00:00Z' }),
});

/** Each desk's customer, on the plan the lifecycle is timed under. */
const DESKS: Record<string, { plan: string; priority: string }> = {
  techflow: { plan: 'enterprise', priority: 'urgent' },
  acentus: { plan: 'premium', priority: 'high' },
  'rch-spyfocus': { plan: 'pro', priority: 'normal' },
  rarelogic: { plan: 'standard', priority: 'normal' },
};

const call = apiClient(stack.urls.api);
const advance = (d: string) => call('POST', '/_local/clock', undefined, { advance: d });

type Lifecycle = (ctx: {
  id: string;
  customer: string;
  agent: string;
  patch: (body: unknown) => Promise<void>;
}) => Promise<void>;
const lifecycles: Record<string, Lifecycle> = {
  'answered once, solved, closed': async ({ id, agent, patch }) => {
    await call('POST', `/tickets/${id}/messages`, agent, { body: 'Fixed.' });
    await stack.settle();
    await patch({ status: 'solved' });
    await patch({ status: 'closed' });
  },
  'back-and-forth (3 replies each way), solved, closed': async ({ id, agent, customer, patch }) => {
    for (let i = 0; i < 3; i++) {
      await call('POST', `/tickets/${id}/messages`, agent, { body: `Question ${i}` });
      await stack.settle();
      await call('POST', `/tickets/${id}/messages`, customer, { body: `Answer ${i}` });
      await stack.settle();
    }
    await patch({ status: 'solved' });
    await patch({ status: 'closed' });
  },
  'unanswered 3 days (warnings, breach, escalations), then answered, solved, closed': async ({
    id,
    agent,
    patch,
  }) => {
    for (let h = 0; h < 72; h += 6) await advance('PT6H');
    await call('POST', `/tickets/${id}/messages`, agent, { body: 'Sorry for the wait.' });
    await stack.settle();
    await patch({ status: 'solved' });
    await patch({ status: 'closed' });
  },
};

const PER_TICKET_EXCLUDED = /reconcile-workflows|sweep/; // fixed-rate schedules, costed per month
const rows: Array<Record<string, unknown>> = [];
for (const [desk, { plan, priority }] of Object.entries(DESKS)) {
  const customer = await stack.identity.issueToken({ role: 'customer', desk, plan });
  const agent = await stack.identity.issueToken({ role: 'agent', desk });
  for (const [name, run] of Object.entries(lifecycles)) {
    const before = stack.usage.snapshot();
    const callsBefore = proxy.calls.length;
    const outboxBefore = (await stack.mail.outbox()).length;
    const { body } = await call('POST', '/tickets', customer, {
      subject: name,
      description: 'bench',
      priority,
    });
    const id = body.id as string;
    await stack.settle();
    const patch = async (change: unknown) => {
      const got = await call('GET', `/tickets/${id}`, agent);
      await call('PATCH', `/tickets/${id}`, agent, change, { 'if-match': got.res.headers.get('etag')! });
      await stack.settle();
    };
    await run({ id, customer, agent, patch });
    await stack.settle();
    const after = stack.usage.snapshot();
    const delta = (what: string) => (after.counts[what] ?? 0) - (before.counts[what] ?? 0);
    const ms = (what: string) => (after.milliseconds[what] ?? 0) - (before.milliseconds[what] ?? 0);
    const keys = Object.keys(after.counts).filter((k) => !PER_TICKET_EXCLUDED.test(k));
    const lambdaKeys = keys.filter((k) => k.startsWith('lambda:'));
    const dynamo = proxy.calls.slice(callsBefore);
    const arn = `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`;
    rows.push({
      desk,
      lifecycle: name,
      transitions: stack.stepFunctions.getExecutionHistory(arn).filter((e) => e.type.endsWith('StateEntered'))
        .length,
      apiRequests: delta('api:request'),
      apiMs: Math.round(ms('api:request')),
      workflowInvocations: lambdaKeys.reduce((n, k) => n + delta(k), 0),
      workflowMs: Math.round(lambdaKeys.reduce((n, k) => n + ms(k), 0)),
      dynamoReads: dynamo.filter((c) => c.rcu !== undefined).length,
      dynamoWrites: dynamo.filter((c) => c.wcu !== undefined).length,
      writeUnits: dynamo.reduce((n, c) => n + (c.wcu ?? 0), 0),
      readUnits: dynamo.reduce((n, c) => n + (c.rcu ?? 0), 0),
      emails: (await stack.mail.outbox()).length - outboxBefore,
    });
  }
}
await bench.stop();
proxy.close();

console.table(
  rows.map(
    ({
      desk,
      lifecycle,
      transitions,
      apiRequests,
      workflowInvocations,
      dynamoReads,
      dynamoWrites,
      writeUnits,
      readUnits,
      emails,
    }) => ({
      desk,
      lifecycle: String(lifecycle).slice(0, 40),
      transitions,
      apiRequests,
      workflowInvocations,
      dynamoReads,
      dynamoWrites,
      writeUnits,
      readUnits,
      emails,
    }),
  ),
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/workflow-transitions.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'workflow-transitions', measuredAt: new Date().toISOString(), node: process.version, goal: '<= 12 transitions for a ticket answered once and solved', note: `apiMs and workflowMs are run times on the local stack (x86, Node 20), a proxy for Lambda duration; write and read units priced from item sizes with a ${TASK_TOKEN_LENGTH}-character task token`, rows }, null, 2)}\n`,
);
process.exit(0);
