/**
 * Bounded soak with faults (loopback only): for SOAK_SECONDS (default 300) it mixes API intake,
 * email over SMTP, agent replies and virtual-clock jumps, restarts DynamoDB halfway, then checks the
 * whole store against what was acknowledged: every accepted ticket exactly once with exactly one
 * running workflow, every accepted reply present, every accepted email recorded with an outcome.
 * Writes bench/results/soak.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { apiClient } from './api-client.ts';
import { startBenchStack } from './local-bench-stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL ??= 'ERROR';
const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);

const bench = await startBenchStack('soak');
const { stack } = bench;
const api = stack.urls.api;
const customer = await stack.identity.issueToken({ role: 'customer', desk: 'techflow', plan: 'enterprise' });
const agent = await stack.identity.issueToken({ role: 'agent', desk: 'techflow' });
const smtp = nodemailer.createTransport({
  host: '127.0.0.1',
  port: stack.mail.smtpPort,
  secure: false,
  pool: true,
  ignoreTLS: true,
});

const call = apiClient(api);

/** Retries with the same idempotency key until acknowledged (as a well-behaved client does). */
async function untilAccepted(
  send: () => Promise<{ status: number; body: Record<string, unknown> }>,
): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await send().catch(() => ({ status: 0, body: {} as Record<string, unknown> }));
    if (res.status === 201) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('never accepted');
}

const accepted = {
  tickets: [] as string[],
  replies: [] as Array<{ ticketId: string; body: string }>,
  emails: [] as string[],
};
const deadline = Date.now() + SECONDS * 1000;
let restarted = false;
let n = 0;

const workers = [
  async () => {
    while (Date.now() < deadline) {
      const i = n++;
      const body = await untilAccepted(() =>
        call(
          'POST',
          '/tickets',
          customer,
          { subject: `soak ${i}`, description: 'soak ticket' },
          { 'idempotency-key': `soak-ticket-${i}` },
        ),
      );
      accepted.tickets.push(body.id as string);
    }
  },
  async () => {
    while (Date.now() < deadline) {
      const target = accepted.tickets[Math.floor(Math.random() * accepted.tickets.length)];
      if (!target) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const i = n++;
      const text = `soak reply ${i}`;
      await untilAccepted(() =>
        call(
          'POST',
          `/tickets/${target}/messages`,
          agent,
          { body: text },
          { 'idempotency-key': `soak-reply-${i}` },
        ),
      );
      accepted.replies.push({ ticketId: target, body: text });
    }
  },
  async () => {
    while (Date.now() < deadline) {
      const i = n++;
      const messageId = `<soak-${i}@example.com>`;
      try {
        await smtp.sendMail({
          from: `soak${i % 7}@example.com`,
          to: 'support@techflowsolutions.com',
          subject: `Soak mail ${i}`,
          text: 'Help please',
          messageId,
        });
        accepted.emails.push(messageId);
      } catch {
        // refused while DynamoDB was down: the sender would retry; not counted as accepted
      }
    }
  },
  async () => {
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5000));
      await call('POST', '/_local/clock', undefined, { advance: 'PT2H' });
      if (!restarted && Date.now() > deadline - (SECONDS * 1000) / 2) {
        restarted = true;
        await stack.restartDynamo(500);
      }
    }
  },
];
const started = Date.now();
await Promise.all(workers.map((w) => w()));
smtp.close();

// Let every workflow and the reconciler catch up.
for (let i = 0; i < 5; i++) await call('POST', '/_local/clock', undefined, { advance: 'PT1M' });
await stack.settle();

// Consistency check against the store.
const listed = new Map<string, number>();
let cursor: string | undefined;
do {
  const page = await call('GET', `/tickets?limit=100${cursor ? `&cursor=${cursor}` : ''}`, agent);
  for (const t of page.body.items as Array<{ id: string }>) listed.set(t.id, (listed.get(t.id) ?? 0) + 1);
  cursor = page.body.nextCursor as string | undefined;
} while (cursor);
const running = new Map<string, number>();
for (const e of stack.stepFunctions.listExecutions(stack.stateMachineArn, 'RUNNING')) {
  const id = e.name.split('-')[0]!;
  running.set(id, (running.get(id) ?? 0) + 1);
}
const problems: string[] = [];
for (const id of accepted.tickets) {
  if (listed.get(id) !== 1) problems.push(`ticket ${id} listed ${listed.get(id) ?? 0} times`);
  if (running.get(id) !== 1) {
    const executions = stack.stepFunctions
      .listExecutions(stack.stateMachineArn)
      .filter((e) => e.name.startsWith(id))
      .map((e) => `${e.name}:${e.status}${e.error ? `(${e.error}: ${e.cause?.slice(0, 80)})` : ''}`);
    problems.push(
      `ticket ${id} has ${running.get(id) ?? 0} running workflows [${executions.join(', ') || 'no executions'}]`,
    );
  }
}
const byTicket = new Map<string, string[]>();
for (const r of accepted.replies) byTicket.set(r.ticketId, [...(byTicket.get(r.ticketId) ?? []), r.body]);
for (const [ticketId, bodies] of byTicket) {
  const ticket = await call('GET', `/tickets/${ticketId}`, agent);
  const have = (ticket.body.messages as Array<{ body: string }>).map((m) => m.body);
  for (const body of bodies)
    if (have.filter((h) => h === body).length !== 1)
      problems.push(`reply "${body}" on ${ticketId} present ${have.filter((h) => h === body).length} times`);
}
const records = await stack.mail.inboundRecords(100_000);
const recorded = new Set(records.map((r) => r.emailMessageId?.replace(/^<|>$/g, '')));
const unrecorded = accepted.emails.filter((id) => !recorded.has(id.replace(/^<|>$/g, '')));
if (unrecorded.length) problems.push(`${unrecorded.length} accepted emails without an inbound record`);

await bench.stop();

const result = {
  seconds: Math.round((Date.now() - started) / 1000),
  ticketsAccepted: accepted.tickets.length,
  repliesAccepted: accepted.replies.length,
  emailsAccepted: accepted.emails.length,
  emailRecords: records.length,
  dynamoRestarts: restarted ? 1 : 0,
  problems: problems.length,
};
console.table([result]);
for (const p of problems.slice(0, 20)) console.log(`PROBLEM: ${p}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/soak.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'soak', measuredAt: new Date().toISOString(), node: process.version, ...result, firstProblems: problems.slice(0, 20) }, null, 2)}\n`,
);
process.exit(problems.length ? 1 : 0);
