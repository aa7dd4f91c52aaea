import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { customMetricCount } from '#infra/constructs/emf-metrics.ts';
import { countInventory, type TemplateJson } from '#infra/cost/inventory.ts';
import { addTierdeskStacks, createApp } from '#infra/tierdesk-app.ts';
/**
 * `npm run cost`: what tierdesk costs on AWS per month, for the dev and prod configurations of cdk.json.
 * The fixed floor is counted from the synthesized templates (KMS keys, alarms, app clients, secrets, WAF…);
 * the variable cost per ticket comes from bench/results/workflow-transitions.json, priced with
 * bench/prices.ts. Writes the inputs to bench/results/cost.json (docs/cost.md's tables are rendered from it).
 *
 *   npm run cost                      synthesize dev and prod (no bundling, ~1 min), print, record
 *   npm run cost -- --recorded        print from bench/results/cost.json without synthesizing
 *   npm run cost -- --mix 60,30,10    percent answered once / back-and-forth / unanswered 3 days
 */
import { writeCostDoc } from './cost-doc.ts';
import {
  type CostInputs,
  type MeasuredLifecycle,
  renderAssumptions,
  renderCostTables,
  renderPriceSources,
  renderSeatComparison,
} from './cost-model.ts';

const RESULTS = new URL('./results/cost.json', import.meta.url);
const { values } = parseArgs({
  options: {
    mix: { type: 'string', default: '60,30,10' },
    recorded: { type: 'boolean', default: false },
  },
});

/** The environment's templates, its stacks' and their nested stacks', synthesized without bundling. */
function synthesize(envName: string): { templates: TemplateJson[]; desks: number; emfMetrics: number } {
  const context = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')).context;
  const outdir = mkdtempSync(join(tmpdir(), `tierdesk-cost-${envName}-`));
  const app = createApp({
    outdir,
    context: { ...context, 'tierdesk:env': envName },
    postCliContext: { 'aws:cdk:bundling-stacks': [] },
  });
  const { config } = addTierdeskStacks(app);
  app.synth();
  const templates = readdirSync(outdir)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => JSON.parse(readFileSync(join(outdir, f), 'utf8')) as TemplateJson);
  return { templates, desks: config.desks.length, emfMetrics: customMetricCount(config) };
}

function gatherInputs(mix: number[]): CostInputs {
  const measured = JSON.parse(
    readFileSync(new URL('./results/workflow-transitions.json', import.meta.url), 'utf8'),
  ) as { measuredAt: string; rows: MeasuredLifecycle[] };
  const environments: CostInputs['environments'] = Object.fromEntries(
    ['dev', 'prod'].map((envName) => {
      const { templates, desks, emfMetrics } = synthesize(envName);
      return [envName, { inventory: countInventory(templates), desks, emfMetrics }];
    }),
  );
  return { measuredAt: measured.measuredAt, rows: measured.rows, mix, environments };
}

const mix = String(values.mix).split(',').map(Number);
if (mix.length !== 3 || mix.some((m) => !Number.isFinite(m) || m < 0)) {
  console.error('usage: npm run cost -- [--mix answered,back-and-forth,unanswered (percent)] [--recorded]');
  process.exit(2);
}
const inputs: CostInputs = values.recorded
  ? { ...(JSON.parse(readFileSync(RESULTS, 'utf8')) as CostInputs), mix }
  : gatherInputs(mix);
if (!values.recorded) {
  writeFileSync(RESULTS, `${JSON.stringify(inputs, null, 2)}\n`);
  // docs/cost.md shows these figures (a unit test holds them equal).
  writeCostDoc(fileURLToPath(new URL('../docs/cost.md', import.meta.url)), inputs);
}

console.log(
  `tierdesk on AWS, per month (mix ${mix.join('/')} %: answered once / back-and-forth / unanswered 3 days; ` +
    `usage measured ${inputs.measuredAt}, bench/results/workflow-transitions.json)\n`,
);
console.log(renderCostTables(inputs));
console.log('Against per-seat helpdesks at 100,000 tickets a month:\n');
console.log(renderSeatComparison(inputs, 'prod', 100_000));
console.log('\nAssumptions (no benchmark measures these yet):\n');
console.log(renderAssumptions());
console.log('\nUnit prices (bench/prices.ts):\n');
console.log(renderPriceSources());
