/**
 * What `npm run deploy` does, worked out from the synthesized cloud assembly (`cdk.out/manifest.json`)
 * without calling AWS: the stacks in dependency order, the Regions that need a CDK bootstrap, and the
 * commands. Pure, so the plan is unit-tested offline; infra/deploy-cli.ts runs it.
 */

/** The parts of a cloud assembly manifest the plan reads. */
export interface AssemblyManifest {
  readonly artifacts?: Record<
    string,
    {
      readonly type: string;
      readonly environment?: string;
      readonly dependencies?: readonly string[];
      readonly displayName?: string;
      readonly properties?: { readonly stackName?: string; readonly terminationProtection?: boolean };
    }
  >;
}

export interface PlannedStack {
  readonly id: string;
  readonly stackName: string;
  /** `aws://account/region`; `unknown-region` means the CLI's Region. */
  readonly region: string | undefined;
  /** Stacks that must be deployed first (and destroyed after). */
  readonly dependsOn: readonly string[];
  readonly terminationProtection: boolean;
}

export interface DeployPlan {
  readonly envName: string;
  readonly stacks: readonly PlannedStack[];
  /** Regions needing the CDKToolkit stack; undefined stands for the CLI's default Region. */
  readonly regions: readonly (string | undefined)[];
}

const STACK = 'aws:cloudformation:stack';

/** Stacks in an order where every stack comes after the stacks it depends on (ties keep synth order). */
export function deployPlan(envName: string, manifest: AssemblyManifest): DeployPlan {
  const artifacts = manifest.artifacts ?? {};
  const stackIds = Object.keys(artifacts).filter((id) => artifacts[id]!.type === STACK);
  const isStack = new Set(stackIds);
  const nodes = stackIds.map((id): PlannedStack => {
    const artifact = artifacts[id]!;
    const region = artifact.environment?.split('/')[3];
    return {
      id,
      stackName: artifact.properties?.stackName ?? id,
      region: region && region !== 'unknown-region' ? region : undefined,
      dependsOn: (artifact.dependencies ?? []).filter((d) => isStack.has(d)),
      terminationProtection: artifact.properties?.terminationProtection === true,
    };
  });
  const ordered: PlannedStack[] = [];
  const placed = new Set<string>();
  while (ordered.length < nodes.length) {
    const next = nodes.find((n) => !placed.has(n.id) && n.dependsOn.every((d) => placed.has(d)));
    if (!next) {
      const stuck = nodes.filter((n) => !placed.has(n.id)).map((n) => n.id);
      throw new Error(`The stacks depend on each other in a cycle: ${stuck.join(', ')}`);
    }
    ordered.push(next);
    placed.add(next.id);
  }
  const regions = [...new Set(ordered.map((s) => s.region))];
  return { envName, stacks: ordered, regions };
}

/** The plan as text: what `npm run deploy -- --dry-run` prints. */
export function describePlan(plan: DeployPlan, defaultRegion: string | undefined): string {
  const regionName = (r: string | undefined) => r ?? defaultRegion ?? '<your Region>';
  const context = `-c tierdesk:env=${plan.envName}`;
  const lines = [
    `Deployment plan for environment "${plan.envName}" (${plan.stacks.length} stacks)`,
    '',
    `1. Bootstrap CDK where the CDKToolkit stack is missing: ${plan.regions.map(regionName).join(', ')}`,
    `     npx cdk bootstrap ${plan.regions.map((r) => `aws://<account>/${regionName(r)}`).join(' ')} ${context}`,
    '2. Deploy, in dependency order:',
    ...plan.stacks.map(
      (s, i) =>
        `     ${String(i + 1).padStart(2)}. ${s.stackName.padEnd(32)} ${regionName(s.region).padEnd(12)}${
          s.dependsOn.length ? ` after ${s.dependsOn.join(', ')}` : ''
        }`,
    ),
    `     npx cdk deploy --all ${context} --outputs-file cdk-outputs.${plan.envName}.json`,
    '3. Print the stack outputs (API URL, user pool, app client, token endpoint) and the first admin user.',
  ];
  return lines.join('\n');
}

/** Destroy order: the reverse of deploy order, so nothing is deleted while another stack still uses it. */
export function destroyOrder(plan: DeployPlan): readonly PlannedStack[] {
  return [...plan.stacks].reverse();
}
