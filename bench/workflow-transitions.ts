/**
 * State transitions per ticket for typical lifecycles, counted from execution histories on the
 * local engine (one StateEntered event = one billed transition). Writes bench/results/workflow-transitions.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../local/stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const PRICE_PER_1000 = 0.025; // Step Functions Standard, USD per 1,000 state transitions (NOTES.md)

const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-bench-'));
const stack = await startLocalStack({ dataDir, apiPort: 0, dynamoPort: 0, s3Port: 0, sfnPort: 0 });
// TechFlow Enterprise P1: 15-minute response, warning at 75 %, Level 2 after 2 h (policy-docs/001).
const customer = await stack.identity.issueToken({ role: 'customer', desk: 'techflow', plan: 'enterprise' });
const agent = await stack.identity.issueToken({ role: 'agent', desk: 'techflow' });

async function call(
  method: string,
  path: string,
  token: string | undefined,
  json?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: json ? JSON.stringify(json) : null,
  });
  return { res, body: (await res.json()) as Record<string, unknown> };
}
async function patch(id: string, body: unknown) {
  const got = await call('GET', `/tickets/${id}`, agent);
  await call('PATCH', `/tickets/${id}`, agent, body, { 'if-match': got.res.headers.get('etag')! });
  await stack.settle();
}
const advance = (d: string) => call('POST', '/_local/clock', undefined, { advance: d });
function transitions(id: string) {
  const arn = `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`;
  return stack.stepFunctions.getExecutionHistory(arn).filter((e) => e.type.endsWith('StateEntered')).length;
}

const lifecycles: Record<string, (id: string) => Promise<void>> = {
  'answered once, solved, closed': async (id) => {
    await call('POST', `/tickets/${id}/messages`, agent, { body: 'Fixed.' });
    await stack.settle();
    await patch(id, { status: 'solved' });
    await patch(id, { status: 'closed' });
  },
  'warned, answered, solved, closed': async (id) => {
    await advance('PT12M');
    await call('POST', `/tickets/${id}/messages`, agent, { body: 'Looking.' });
    await stack.settle();
    await patch(id, { status: 'solved' });
    await patch(id, { status: 'closed' });
  },
  'breached and escalated, answered, solved, closed': async (id) => {
    await advance('PT2H1M');
    await call('POST', `/tickets/${id}/messages`, agent, { body: 'Sorry for the wait.' });
    await stack.settle();
    await patch(id, { status: 'solved' });
    await patch(id, { status: 'closed' });
  },
  'customer back-and-forth (3 replies each), solved, closed': async (id) => {
    for (let i = 0; i < 3; i++) {
      await call('POST', `/tickets/${id}/messages`, agent, { body: `Question ${i}` });
      await stack.settle();
      await call('POST', `/tickets/${id}/messages`, customer, { body: `Answer ${i}` });
      await stack.settle();
    }
    await patch(id, { status: 'solved' });
    await patch(id, { status: 'closed' });
  },
};

const rows: Array<{ lifecycle: string; transitions: number; usdPer1000Tickets: number }> = [];
for (const [name, run] of Object.entries(lifecycles)) {
  const { body } = await call('POST', '/tickets', customer, {
    subject: name,
    description: 'bench',
    priority: 'urgent',
  });
  await stack.settle();
  await run(body.id as string);
  await stack.settle();
  const count = transitions(body.id as string);
  rows.push({
    lifecycle: name,
    transitions: count,
    usdPer1000Tickets: Number((count * PRICE_PER_1000).toFixed(3)),
  });
}
await stack.stop();
rmSync(dataDir, { recursive: true, force: true });

console.table(rows);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/workflow-transitions.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'workflow-transitions', measuredAt: new Date().toISOString(), node: process.version, goal: '<= 12 for answered once and solved', rows }, null, 2)}\n`,
);
