import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployPlan } from '../../infra/deploy-plan.ts';
import { addTierdeskStacks } from '../../infra/tierdesk-app.ts';
import { testApp } from './infra-app.ts';

/** The plan `npm run deploy -- --dry-run` prints, from the real app's assembly. */
function planFor(envName: string) {
  const app = testApp({ 'tierdesk:env': envName });
  addTierdeskStacks(app);
  const assembly = app.synth();
  return deployPlan(envName, JSON.parse(readFileSync(join(assembly.directory, 'manifest.json'), 'utf8')));
}

describe('npm run deploy plan', () => {
  it('dev: seven stacks, data first, observability last, one Region', () => {
    const plan = planFor('dev');
    expect(plan.stacks.map((s) => s.stackName).sort()).toEqual(
      ['api', 'data', 'mail', 'observability', 'ops', 'schedules', 'workflow'].map(
        (s) => `tierdesk-dev-${s}`,
      ),
    );
    expect(plan.stacks[0]!.stackName).toBe('tierdesk-dev-data');
    expect(plan.stacks.at(-1)!.stackName).toBe('tierdesk-dev-observability');
    expect(plan.regions).toEqual([undefined]);
  });

  it('prod: eight stacks with the edge stack in us-east-1 after the api stack', () => {
    const plan = planFor('prod');
    const names = plan.stacks.map((s) => s.stackName);
    expect(names).toHaveLength(8);
    expect(names.indexOf('tierdesk-prod-edge')).toBeGreaterThan(names.indexOf('tierdesk-prod-api'));
    expect(plan.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(plan.stacks.find((s) => s.stackName === 'tierdesk-prod-data')!.terminationProtection).toBe(true);
  });
});
