/**
 * `npm run cost -- --tickets-per-month 100000 --pack techflow [--mix 60,30,10]`: AWS cost per
 * month and per 1,000 tickets, from the per-ticket usage measured by bench/workflow-transitions.ts
 * (bench/results/workflow-transitions.json) and the unit prices in bench/prices.ts.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LAMBDA_MEMORY_MB, PRICES } from './prices.ts';

const { values } = parseArgs({
  options: {
    'tickets-per-month': { type: 'string', default: '100000' },
    pack: { type: 'string', default: 'techflow' },
    mix: { type: 'string', default: '60,30,10' },
    json: { type: 'boolean', default: false },
  },
});
const tickets = Number(values['tickets-per-month']);
const mix = String(values.mix).split(',').map(Number);
if (!Number.isFinite(tickets) || tickets <= 0 || mix.length !== 3 || mix.some((m) => !Number.isFinite(m))) {
  console.error(
    'usage: npm run cost -- --tickets-per-month <n> --pack <desk> [--mix answered,back-and-forth,unanswered (percent)]',
  );
  process.exit(2);
}

interface Row {
  desk: string;
  lifecycle: string;
  transitions: number;
  apiRequests: number;
  apiMs: number;
  workflowInvocations: number;
  workflowMs: number;
  dynamoReads: number;
  dynamoWrites: number;
  emails: number;
}
const measured = JSON.parse(
  readFileSync(new URL('./results/workflow-transitions.json', import.meta.url), 'utf8'),
) as { measuredAt: string; rows: Row[] };
const rows = measured.rows.filter((r) => r.desk === values.pack);
if (rows.length !== 3) {
  console.error(
    `No measured lifecycles for "${values.pack}" in bench/results/workflow-transitions.json (run npm run bench -- workflow).`,
  );
  process.exit(2);
}
const total = mix.reduce((a, b) => a + b, 0);
const weighted = (field: keyof Row) =>
  rows.reduce((sum, r, i) => sum + (Number(r[field]) * (mix[i] ?? 0)) / total, 0);

const perTicket = {
  transitions: weighted('transitions'),
  lambdaRequests: weighted('apiRequests') + weighted('workflowInvocations'),
  lambdaGbSeconds: ((weighted('apiMs') + weighted('workflowMs')) / 1000) * (LAMBDA_MEMORY_MB / 1024),
  apiRequests: weighted('apiRequests'),
  // On-demand: a write of an item under 1 KB is 1 WRU per table/index it lands in; ticket items sit in up to 4 indexes.
  writeUnits: weighted('dynamoWrites') * 3,
  readUnits: weighted('dynamoReads'),
  emails: weighted('emails'),
};
// Fixed-rate schedules (reconciler and mail sweep every minute): runs × (1 Lambda request + ~24 reads).
const runsPerMonth = 2 * 60 * 24 * 30;
const fixed =
  runsPerMonth *
  (PRICES.lambdaPerRequest +
    24 * PRICES.dynamoPerReadRequestUnit +
    0.05 * (LAMBDA_MEMORY_MB / 1024) * PRICES.lambdaPerGbSecond);

const lines = [
  ['Step Functions transitions', perTicket.transitions * PRICES.stepFunctionsPerTransition],
  ['Lambda requests', perTicket.lambdaRequests * PRICES.lambdaPerRequest],
  ['Lambda compute (GB-s)', perTicket.lambdaGbSeconds * PRICES.lambdaPerGbSecond],
  ['API Gateway (HTTP API)', perTicket.apiRequests * PRICES.apiGatewayHttpPerRequest],
  ['DynamoDB writes', perTicket.writeUnits * PRICES.dynamoPerWriteRequestUnit],
  ['DynamoDB reads', perTicket.readUnits * PRICES.dynamoPerReadRequestUnit],
  ['SES emails', perTicket.emails * PRICES.sesPerEmail],
] as const;
const perTicketUsd = lines.reduce((s, [, v]) => s + v, 0);
const monthly = perTicketUsd * tickets + fixed;
const table: Array<{ item: string; perMonthUsd: number; per1000TicketsUsd: number }> = lines.map(
  ([item, usd]) => ({
    item,
    perMonthUsd: Number((usd * tickets).toFixed(2)),
    per1000TicketsUsd: Number((usd * 1000).toFixed(4)),
  }),
);
table.push({
  item: 'Schedules (reconciler, mail sweep)',
  perMonthUsd: Number(fixed.toFixed(2)),
  per1000TicketsUsd: Number(((fixed / tickets) * 1000).toFixed(4)),
});

if (values.json) {
  console.log(
    JSON.stringify(
      {
        pack: values.pack,
        ticketsPerMonth: tickets,
        mix,
        perTicket,
        monthlyUsd: monthly,
        per1000Usd: (monthly / tickets) * 1000,
        lines: table,
      },
      null,
      2,
    ),
  );
} else {
  console.log(
    `tierdesk on AWS: ${tickets.toLocaleString('en-US')} tickets/month on ${values.pack} (mix ${mix.join('/')} %: answered once / back-and-forth / unanswered 3 days)`,
  );
  console.log(
    `usage measured ${measured.measuredAt} (bench/results/workflow-transitions.json); prices ${PRICES.asOf}\n`,
  );
  console.table(table);
  console.log(
    `total: $${monthly.toFixed(2)} per month, $${((monthly / tickets) * 1000).toFixed(3)} per 1,000 tickets`,
  );
  console.log(
    'Not included: S3 storage, CloudWatch Logs ingestion, KMS requests, WAF/CloudFront, data transfer, Cognito MAUs.',
  );
}
