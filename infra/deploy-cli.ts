import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AssemblyManifest,
  type DeployPlan,
  deployPlan,
  describePlan,
  destroyOrder,
} from './deploy-plan.ts';
import { addTierdeskStacks, createApp } from './tierdesk-app.ts';

/**
 * `npm run deploy [-- --env dev|prod] [--dry-run] [--admin-email you@company.example] [--desk techflow]`
 * `npm run destroy [-- --env dev|prod] [--dry-run]`
 *
 * One command from a clean clone with AWS credentials: bootstraps CDK in every Region that lacks the
 * CDKToolkit stack, deploys every stack in dependency order, prints the outputs, the first admin user's
 * sign-in and the next steps. `--dry-run` synthesizes the app offline (no bundling, no AWS call) and prints
 * the plan. It drives the AWS CLI v2 and the CDK CLI; it adds no deployment logic of its own.
 */
const { values } = parseArgs({
  options: {
    env: { type: 'string' },
    'dry-run': { type: 'boolean' },
    destroy: { type: 'boolean' },
    'admin-email': { type: 'string' },
    desk: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: npm run deploy -- [--env dev|prod] [--dry-run] [--admin-email e] [--desk d]\n       npm run destroy -- [--env dev|prod] [--dry-run]',
  );
  process.exit(0);
}

const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../cdk.json', import.meta.url), 'utf8'),
).context;
const envName = values.env ?? String(cdkContext['tierdesk:env'] ?? 'dev');
const context = `-c tierdesk:env=${envName}`;

/** The plan from an offline synthesis without bundling (seconds, not minutes; templates are not needed). */
function synthesizePlan(): { plan: DeployPlan; region: string | undefined; desks: readonly string[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'tierdesk-plan-'));
  try {
    const app = createApp({
      outdir,
      context: { ...cdkContext, 'tierdesk:env': envName },
      postCliContext: { 'aws:cdk:bundling-stacks': [] },
    });
    const { config } = addTierdeskStacks(app);
    app.synth();
    const manifest: AssemblyManifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    return { plan: deployPlan(envName, manifest), region: config.region, desks: config.desks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function run(command: string, args: readonly string[], options: { capture?: boolean } = {}) {
  const result = spawnSync(command, args, {
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    env: { CDK_DISABLE_CLI_TELEMETRY: 'true', ...process.env },
  });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  return { ok: result.status === 0, out: (result.stdout ?? '').trim(), err: (result.stderr ?? '').trim() };
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { plan, region: configRegion, desks } = synthesizePlan();
const desk = values.desk ?? desks[0] ?? 'techflow';

if (values['dry-run']) {
  const region = configRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (values.destroy) {
    console.log(`Destroy plan for environment "${envName}", in this order:`);
    for (const s of destroyOrder(plan)) console.log(`  ${s.stackName}`);
    console.log(`  npx cdk destroy --all ${context}`);
  } else console.log(describePlan(plan, region));
  console.log('\n(dry run: nothing was sent to AWS)');
  process.exit(0);
}

// From here on AWS is called: credentials and a Region must be there.
if (!run('aws', ['--version'], { capture: true }).ok) fail('The AWS CLI v2 is needed (aws --version).');
const identity = run('aws', ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'], {
  capture: true,
});
if (!identity.ok) fail(`No usable AWS credentials (aws sts get-caller-identity): ${identity.err}`);
const account = identity.out;
const region =
  configRegion ??
  process.env.AWS_REGION ??
  process.env.AWS_DEFAULT_REGION ??
  run('aws', ['configure', 'get', 'region'], { capture: true }).out;
if (!region) fail(`No Region: set "region" for ${envName} in cdk.json, or AWS_REGION.`);
const regions = [...new Set(plan.regions.map((r) => r ?? region))];

if (values.destroy) {
  console.log(
    `Destroying ${plan.stacks.length} stacks of "${envName}" in ${account} (${regions.join(', ')}).`,
  );
  if (plan.stacks.some((s) => s.terminationProtection))
    console.log(
      'Prod keeps its data: the data stack has termination protection and its table, buckets and keys are retained.',
    );
  process.exit(run('npx', ['cdk', 'destroy', '--all', '-c', `tierdesk:env=${envName}`]).ok ? 0 : 1);
}

// 1. Bootstrap where the CDKToolkit stack is missing.
const missing = regions.filter(
  (r) =>
    !run('aws', ['cloudformation', 'describe-stacks', '--stack-name', 'CDKToolkit', '--region', r], {
      capture: true,
    }).ok,
);
if (missing.length) {
  console.log(`Bootstrapping CDK in ${missing.join(', ')} (once per account and Region).`);
  if (
    !run('npx', [
      'cdk',
      'bootstrap',
      ...missing.map((r) => `aws://${account}/${r}`),
      '-c',
      `tierdesk:env=${envName}`,
    ]).ok
  )
    fail('cdk bootstrap failed; see above.');
}

// 2. Deploy every stack; the CDK CLI orders them by dependency (the plan above) and asks before widening IAM.
console.log(describePlan(plan, region));
const outputsFile = `cdk-outputs.${envName}.json`;
if (
  !run('npx', ['cdk', 'deploy', '--all', '-c', `tierdesk:env=${envName}`, '--outputs-file', outputsFile]).ok
)
  fail('cdk deploy failed; see above. Run it again once fixed: finished stacks are not redeployed.');

// 3. What was built and what to do next.
const outputs: Record<string, Record<string, string>> = existsSync(outputsFile)
  ? JSON.parse(readFileSync(outputsFile, 'utf8'))
  : {};
const output = (stack: string, key: string) =>
  Object.entries(outputs[`tierdesk-${envName}-${stack}`] ?? {}).find(([k]) => k.startsWith(key))?.[1];
const pool = output('api', 'UserPoolId');
const api = output('edge', 'PublicApiUrl') ?? output('api', 'ApiUrl');
console.log(`\nDeployed "${envName}" to ${account} (${regions.join(', ')}). Outputs are in ${outputsFile}.`);
for (const [stack, values] of Object.entries(outputs))
  for (const [key, value] of Object.entries(values)) console.log(`  ${stack}.${key} = ${value}`);

const adminEmail = values['admin-email'];
const admin = adminEmail ?? '<you@company.example>';
const onAdmin = (action: string, ...args: string[]) => [
  'cognito-idp',
  action,
  '--region',
  region,
  '--user-pool-id',
  pool ?? '<UserPoolId>',
  '--username',
  admin,
  ...args,
];
const createAdmin = [
  onAdmin(
    'admin-create-user',
    '--user-attributes',
    `Name=email,Value=${admin}`,
    'Name=email_verified,Value=true',
    `Name=custom:desk,Value=${desk}`,
  ),
  onAdmin('admin-add-user-to-group', '--group-name', 'manager'),
];
if (adminEmail && pool) {
  console.log(
    `\nCreating the first admin user ${adminEmail} (group manager, desk ${desk}); Cognito mails a temporary password.`,
  );
  for (const args of createAdmin)
    if (!run('aws', args).ok) fail(`aws ${args.slice(0, 2).join(' ')} failed; see above.`);
} else {
  console.log('\nThe first admin user (a manager of one desk; Cognito mails a temporary password):');
  for (const args of createAdmin) console.log(`  aws ${args.join(' ')}`);
}
console.log(`
Next steps (docs/deploy.md):
  - Sign in as ${adminEmail ?? 'that user'}, set a password and enrol TOTP (staff need it): docs/deploy.md, "Getting a token".
  - API: ${api ?? '<ApiUrl>'} ; create customers and agents: docs/deploy.md, "People".
  - Mail: set each desk's domain in shared/mail/desk-mail.ts, publish its DKIM records and activate the receipt rule set
    (aws ses set-active-receipt-rule-set --rule-set-name tierdesk-${envName}-inbound --region ${region}): docs/deploy.md, "Mail".
  - Alarms: set alarmEmail (and publicBaseUrl, custom domains) in cdk.json, then npm run deploy again.`);
