import { describe, expect, it } from 'vitest';
import { type AssemblyManifest, deployPlan, describePlan, destroyOrder } from '../../infra/deploy-plan.ts';

const stack = (dependencies: string[], environment = 'aws://unknown-account/unknown-region') => ({
  type: 'aws:cloudformation:stack',
  environment,
  dependencies,
});

// The shape of cdk.out/manifest.json: stacks listed before what they depend on, asset manifests mixed in.
const manifest: AssemblyManifest = {
  artifacts: {
    Tree: { type: 'cdk:tree' },
    'x-observability': stack(['x-api', 'x-data', 'x-observability.assets']),
    'x-observability.assets': { type: 'cdk:asset-manifest' },
    'x-api': stack(['x-data', 'x-workflow']),
    'x-edge': stack(['x-api'], 'aws://unknown-account/us-east-1'),
    'x-workflow': stack(['x-data']),
    'x-data': { ...stack([]), properties: { terminationProtection: true } },
  },
};

describe('the deployment plan', () => {
  it('puts every stack after the stacks it depends on, and only stacks', () => {
    const plan = deployPlan('x', manifest);
    const order = plan.stacks.map((s) => s.id);
    expect(order).toEqual(['x-data', 'x-workflow', 'x-api', 'x-observability', 'x-edge']);
    expect(plan.stacks.find((s) => s.id === 'x-observability')!.dependsOn).toEqual(['x-api', 'x-data']);
    expect(plan.stacks[0]!.terminationProtection).toBe(true);
  });

  it('bootstraps the default Region and every named one', () => {
    const plan = deployPlan('x', manifest);
    expect(plan.regions).toEqual([undefined, 'us-east-1']);
    const text = describePlan(plan, 'eu-west-1');
    expect(text).toContain(
      'npx cdk bootstrap aws://<account>/eu-west-1 aws://<account>/us-east-1 -c tierdesk:env=x',
    );
    expect(text).toMatch(/ 5\. x-edge +us-east-1 +after x-api/);
  });

  it('destroys in reverse order', () => {
    expect(destroyOrder(deployPlan('x', manifest)).map((s) => s.id)[0]).toBe('x-edge');
  });

  it('refuses a dependency cycle', () => {
    expect(() => deployPlan('x', { artifacts: { a: stack(['b']), b: stack(['a']) } })).toThrow(/cycle: a, b/);
  });
});
