/**
 * The cost model behind `npm run cost` and docs/cost.md: a fixed monthly floor counted from the synthesized
 * templates (infra/cost/inventory.ts) and a variable cost per ticket from the usage measured by the
 * benchmarks (bench/results/workflow-transitions.json), priced with bench/prices.ts. Pure: the CLI gathers
 * the inputs, a unit test renders the same tables from the recorded inputs and compares them with the doc.
 */
import type { Inventory } from '#infra/cost/inventory.ts';
import { LAMBDA_MEMORY_MB, PRICES, SEAT_PRICES, type UnitPrice } from './prices.ts';

/** Estimates the model needs where no benchmark measures the quantity; each is printed as an assumption. */
export const ASSUMPTIONS = {
  writeUnitsPerWrite: {
    value: 3,
    what: 'DynamoDB write units per write when the benchmark records writes, not units (item under 1 KB, table + ~2 indexes)',
  },
  readUnitsPerRead: {
    value: 1,
    what: 'DynamoDB read units per read when the benchmark records reads, not units',
  },
  logBytesPerInvocation: {
    value: 1500,
    what: 'CloudWatch Logs bytes per Lambda invocation (platform START/END/REPORT lines and a request line, JSON)',
  },
  accessLogBytesPerRequest: { value: 400, what: 'API access log bytes per request' },
  workflowLogBytesPerTransition: {
    value: 1500,
    what: 'Step Functions execution log bytes per transition at level ALL with execution data (none at ERROR)',
  },
  storedKbPerTicket: {
    value: 50,
    what: 'KB stored per ticket: ~6 KB in DynamoDB (items and index copies), the rest bodies and raw mail in S3',
  },
  tableShareOfStoredKb: { value: 6 / 50, what: 'share of the stored bytes that sit in DynamoDB (and PITR)' },
  retainedMonths: { value: 12, what: 'months a ticket stays stored (the packs keep tickets 1 to 7 years)' },
  scheduledRunMs: {
    value: 50,
    what: 'run time of one scheduled sweep (reconciler, mail, reviews, deadlines)',
  },
  scheduledRunReads: { value: 24, what: 'DynamoDB read units of one scheduled sweep' },
} as const;

/** One lifecycle of one desk as bench/results/workflow-transitions.json records it. */
export interface MeasuredLifecycle {
  readonly desk: string;
  readonly lifecycle: string;
  readonly transitions: number;
  readonly apiRequests: number;
  readonly apiMs: number;
  readonly workflowInvocations: number;
  readonly workflowMs: number;
  readonly dynamoReads: number;
  readonly dynamoWrites: number;
  /** Consumed units, when the benchmark measures them (else writes × an assumption). */
  readonly writeUnits?: number;
  readonly readUnits?: number;
  readonly emails: number;
}

export interface CostInputs {
  readonly measuredAt: string;
  readonly rows: readonly MeasuredLifecycle[];
  /** Percent of tickets per lifecycle, in the rows' order per desk: answered once / back-and-forth / unanswered. */
  readonly mix: readonly number[];
  readonly environments: Readonly<
    Record<string, { inventory: Inventory; desks: number; emfMetrics: number }>
  >;
}

export const VOLUMES = [1_000, 10_000, 100_000, 1_000_000] as const;

export interface FixedItem {
  readonly item: string;
  readonly count: number;
  readonly monthlyUsd: number;
  /** Why it is there, or which configuration removes it. */
  readonly why: string;
}

const usd = (p: UnitPrice) => p.usd;

export function fixedItems(env: CostInputs['environments'][string]): FixedItem[] {
  const inv = env.inventory;
  const sfnAll = inv.stateMachineLogging.filter((l) => l.startsWith('ALL')).length;
  const scheduled =
    inv.scheduledRunsPerMonth *
    (usd(PRICES.lambdaPerRequest) +
      (ASSUMPTIONS.scheduledRunMs.value / 1000) * (LAMBDA_MEMORY_MB / 1024) * usd(PRICES.lambdaPerGbSecond) +
      ASSUMPTIONS.scheduledRunReads.value * usd(PRICES.dynamoPerReadRequestUnit));
  const billed = (item: string, count: number, price: UnitPrice, why: string): FixedItem => ({
    item,
    count,
    monthlyUsd: count * price.usd,
    why,
  });
  const customMetrics = env.emfMetrics + inv.metricFilters;
  const items: FixedItem[] = [
    billed(
      'KMS customer-managed keys',
      inv.kmsKeys,
      PRICES.kmsPerKeyMonth,
      'one per key policy that must admit a service the others must not (data, logs, mail, alarm topic; edge logs in us-east-1 with WAF); the console’s public files use SSE-S3',
    ),
    billed(
      'CloudWatch alarm metrics',
      inv.alarmMetrics,
      PRICES.cloudWatchPerAlarmMetric,
      'one Region-wide Lambda Errors alarm (observability.functionErrorAlarms: per-function makes it one per function), one per dead-letter queue, failed and timed-out workflows, API 5xx, table throttles, failed notices, overdue reviews and breach notifications',
    ),
    billed(
      'CloudWatch custom metrics',
      customMetrics,
      PRICES.cloudWatchPerCustomMetric,
      'observability.metrics: what alarms read (failed notices, overdue breach notifications, the overdue-review filter) by default; all figures, or all per desk, as options; billed only in hours they are emitted',
    ),
    billed(
      'CloudWatch dashboards',
      inv.dashboards,
      PRICES.cloudWatchPerDashboard,
      'observability.dashboard (off by default); the account’s first three dashboards of up to 50 metrics are free',
    ),
    billed(
      'Cognito machine-to-machine app clients',
      inv.machineClients,
      PRICES.cognitoPerM2mAppClient,
      'cognito.machineClients: shared (default: one client, a scope per desk) or per-desk (a secret per desk)',
    ),
    {
      item: `Cognito user pool (${[...new Set(inv.userPoolPlans)].join(', ')})`,
      count: inv.userPoolPlans.length,
      monthlyUsd: 0,
      why: 'billed per monthly active user (cognito.featurePlan); no monthly fee for the pool itself',
    },
    billed(
      'Secrets Manager secrets',
      inv.secrets,
      PRICES.secretsManagerPerSecret,
      'the survey-link and thread-token signing keyrings, rotated with an overlap window',
    ),
    billed(
      'AWS WAF web ACLs',
      inv.webAcls,
      PRICES.wafPerWebAcl,
      'waf.enabled: the API (CloudFront) and sign-in (user pool) firewalls',
    ),
    billed(
      'AWS WAF rules',
      inv.webAclRules,
      PRICES.wafPerRule,
      'managed rule groups, rate limits per token and per IP, the size rule',
    ),
    {
      item: 'Scheduled sweeps (Lambda and reads)',
      count: Math.round(inv.scheduledRunsPerMonth),
      monthlyUsd: scheduled,
      why: 'the reconciler and outbound-mail sweep every minute, review and deadline sweeps, the daily purge',
    },
  ];
  if (sfnAll > 0) {
    items.push({
      item: 'Workflow logs at ALL (see variable)',
      count: sfnAll,
      monthlyUsd: 0,
      why: 'observability.workflowLogLevel: billed by volume, in the variable cost',
    });
  }
  return items;
}

export interface VariableLine {
  readonly item: string;
  readonly perTicketUsd: number;
}

/** The mix-weighted usage of one desk's ticket. */
function weightedUsage(rows: readonly MeasuredLifecycle[], mix: readonly number[]) {
  const total = mix.reduce((a, b) => a + b, 0);
  const weighted = (value: (r: MeasuredLifecycle) => number) =>
    rows.reduce((sum, r, i) => sum + (value(r) * (mix[i] ?? 0)) / total, 0);
  return {
    transitions: weighted((r) => r.transitions),
    apiRequests: weighted((r) => r.apiRequests),
    invocations: weighted((r) => r.apiRequests + r.workflowInvocations),
    gbSeconds: (weighted((r) => r.apiMs + r.workflowMs) / 1000) * (LAMBDA_MEMORY_MB / 1024),
    writeUnits: weighted((r) => r.writeUnits ?? r.dynamoWrites * ASSUMPTIONS.writeUnitsPerWrite.value),
    readUnits: weighted((r) => r.readUnits ?? r.dynamoReads * ASSUMPTIONS.readUnitsPerRead.value),
    emails: weighted((r) => r.emails),
    measuredUnits: rows.every((r) => r.writeUnits !== undefined && r.readUnits !== undefined),
  };
}

export function variableLines(
  rows: readonly MeasuredLifecycle[],
  mix: readonly number[],
  inv: Inventory,
  withWaf: boolean,
): VariableLine[] {
  const u = weightedUsage(rows, mix);
  const tracing = inv.tracedFunctions > 0;
  const sfnAll = inv.stateMachineLogging.some((l) => l.startsWith('ALL+data'));
  const logBytes =
    u.invocations * ASSUMPTIONS.logBytesPerInvocation.value +
    u.apiRequests * ASSUMPTIONS.accessLogBytesPerRequest.value +
    (sfnAll ? u.transitions * ASSUMPTIONS.workflowLogBytesPerTransition.value : 0);
  const storedGbMonths =
    (ASSUMPTIONS.storedKbPerTicket.value / 1024 / 1024) * ASSUMPTIONS.retainedMonths.value;
  const tableShare = ASSUMPTIONS.tableShareOfStoredKb.value;
  const lines: VariableLine[] = [
    {
      item: 'Step Functions transitions',
      perTicketUsd: u.transitions * usd(PRICES.stepFunctionsPerTransition),
    },
    { item: 'Lambda requests', perTicketUsd: u.invocations * usd(PRICES.lambdaPerRequest) },
    { item: 'Lambda compute (GB-s)', perTicketUsd: u.gbSeconds * usd(PRICES.lambdaPerGbSecond) },
    { item: 'API Gateway (HTTP API)', perTicketUsd: u.apiRequests * usd(PRICES.apiGatewayHttpPerRequest) },
    {
      item: `DynamoDB writes${u.measuredUnits ? '' : ' (units assumed)'}`,
      perTicketUsd: u.writeUnits * usd(PRICES.dynamoPerWriteRequestUnit),
    },
    {
      item: `DynamoDB reads${u.measuredUnits ? '' : ' (units assumed)'}`,
      perTicketUsd: u.readUnits * usd(PRICES.dynamoPerReadRequestUnit),
    },
    { item: 'SES emails', perTicketUsd: u.emails * usd(PRICES.sesPerEmail) },
    {
      item: 'CloudWatch Logs ingestion (assumed sizes)',
      perTicketUsd: (logBytes / 1024 ** 3) * usd(PRICES.logsPerGbIngested),
    },
    {
      item: 'Storage for a year: table, PITR, S3 (assumed sizes)',
      perTicketUsd:
        storedGbMonths *
        (tableShare * (usd(PRICES.dynamoPerGbMonth) + usd(PRICES.dynamoPitrPerGbMonth)) +
          (1 - tableShare) * usd(PRICES.s3PerGbMonth)),
    },
  ];
  if (tracing) {
    lines.push({ item: 'X-Ray traces', perTicketUsd: u.invocations * usd(PRICES.xrayPerTraceRecorded) });
  }
  if (withWaf) {
    lines.push({
      item: 'WAF and CloudFront requests',
      perTicketUsd: u.apiRequests * (usd(PRICES.wafPerRequest) + usd(PRICES.cloudFrontPerHttpsRequest)),
    });
  }
  return lines;
}

const money = (value: number, digits = 2) =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;

/** The Markdown tables docs/cost.md shows (a test compares them with the doc). */
export function renderCostTables(inputs: CostInputs): string {
  const out: string[] = [];
  const desks = [...new Set(inputs.rows.map((r) => r.desk))];
  for (const [envName, env] of Object.entries(inputs.environments)) {
    const items = fixedItems(env);
    const floor = items.reduce((s, i) => s + i.monthlyUsd, 0);
    out.push(`### ${envName}: fixed monthly floor ${money(floor)}`, '');
    out.push(
      '| item | count | per month | why, or the setting that removes it |',
      '| --- | ---: | ---: | --- |',
    );
    for (const i of items) out.push(`| ${i.item} | ${i.count} | ${money(i.monthlyUsd)} | ${i.why} |`);
    out.push('');
    const withWaf = env.inventory.webAcls > 0;
    out.push(
      `Variable cost per 1,000 tickets (${envName}), and the month's total (floor included) per 1,000 tickets:`,
      '',
    );
    out.push(
      `| desk | variable / 1,000 | ${VOLUMES.map((v) => `total / 1,000 at ${v.toLocaleString('en-US')}`).join(' | ')} |`,
      `| --- | ---: | ${VOLUMES.map(() => '---:').join(' | ')} |`,
    );
    for (const desk of desks) {
      const rows = inputs.rows.filter((r) => r.desk === desk);
      const perTicket = variableLines(rows, inputs.mix, env.inventory, withWaf).reduce(
        (s, l) => s + l.perTicketUsd,
        0,
      );
      const totals = VOLUMES.map((v) => money(((perTicket * v + floor) / v) * 1000));
      out.push(`| ${desk} | ${money(perTicket * 1000)} | ${totals.join(' | ')} |`);
    }
    out.push('');
  }
  const first = Object.values(inputs.environments)[0];
  if (first) {
    const desk = desks[0] ?? '';
    out.push(
      `Variable cost per 1,000 tickets by line (${desk}, ${Object.keys(inputs.environments)[0]}):`,
      '',
    );
    out.push('| line | per 1,000 tickets |', '| --- | ---: |');
    for (const l of variableLines(
      inputs.rows.filter((r) => r.desk === desk),
      inputs.mix,
      first.inventory,
      first.inventory.webAcls > 0,
    ))
      out.push(`| ${l.item} | ${money(l.perTicketUsd * 1000, 3)} |`);
    out.push('');
  }
  return out.join('\n');
}

/** Per-seat helpdesks against tierdesk's monthly bill at a volume (docs/cost.md). */
export function renderSeatComparison(inputs: CostInputs, envName: string, ticketsPerMonth: number): string {
  const env = inputs.environments[envName];
  if (!env) throw new Error(`no environment ${envName}`);
  const floor = fixedItems(env).reduce((s, i) => s + i.monthlyUsd, 0);
  const desks = [...new Set(inputs.rows.map((r) => r.desk))];
  const perTicket = Math.max(
    ...desks.map((desk) =>
      variableLines(
        inputs.rows.filter((r) => r.desk === desk),
        inputs.mix,
        env.inventory,
        env.inventory.webAcls > 0,
      ).reduce((s, l) => s + l.perTicketUsd, 0),
    ),
  );
  const ours = floor + perTicket * ticketsPerMonth;
  const agents = [5, 20, 100];
  const out = [
    `| per month, ${ticketsPerMonth.toLocaleString('en-US')} tickets | ${agents.map((a) => `${a} agents`).join(' | ')} |`,
    `| --- | ${agents.map(() => '---:').join(' | ')} |`,
    `| tierdesk on AWS (${envName}, costliest desk) | ${agents.map(() => money(ours)).join(' | ')} |`,
  ];
  for (const [name, price] of Object.entries(SEAT_PRICES)) {
    out.push(`| ${name} (assumed list price) | ${agents.map((a) => money(a * price.usd)).join(' | ')} |`);
  }
  return out.join('\n');
}

/** The price list with sources, for the CLI's footer and the doc. */
export function renderPriceSources(): string {
  const out = ['| price | per | source | as of |', '| ---: | --- | --- | --- |'];
  for (const p of [...Object.values(PRICES), ...Object.values(SEAT_PRICES)] as UnitPrice[]) {
    out.push(
      `| ${p.usd < 0.1 ? `$${p.usd.toPrecision(3)}` : money(p.usd)} | ${p.per} | ${p.source}${p.assumption ? ' (assumption: not re-checked)' : ''} | ${p.asOf} |`,
    );
  }
  return out.join('\n');
}

export function renderAssumptions(): string {
  return Object.values(ASSUMPTIONS)
    .map((a) => `- ${a.what}: ${a.value}`)
    .join('\n');
}
