import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CostInputs } from '../../bench/cost-model.ts';
import { countInventory, runsPerMonth } from '../../infra/cost/inventory.ts';
import { buildApp } from './infra-app.ts';

/** The cost model's fixed items are counted from these templates: bench/results/cost.json must match them. */
const recorded = JSON.parse(
  readFileSync(new URL('../../bench/results/cost.json', import.meta.url), 'utf8'),
) as CostInputs;

describe('the cost model counts what infra/ deploys', () => {
  for (const envName of ['dev', 'prod']) {
    it(`${envName}: bench/results/cost.json holds the inventory of the current templates (run npm run cost)`, () => {
      const built = buildApp(envName);
      const inventory = countInventory(built.allTemplates.map(({ template }) => template.toJSON()));
      expect(inventory).toEqual(recorded.environments[envName]?.inventory);
      expect(inventory.kmsKeys).toBeGreaterThan(0);
      expect(inventory.alarmMetrics).toBeGreaterThan(0);
    });
  }

  it('turns schedule expressions into runs per month', () => {
    expect(runsPerMonth('rate(1 minute)')).toBe(43_200);
    expect(runsPerMonth('rate(15 minutes)')).toBe(2_880);
    expect(runsPerMonth('cron(0 3 * * ? *)')).toBe(30);
    expect(() => runsPerMonth('cron(0/5 * * * ? *)')).toThrow(/unknown schedule/);
  });
});
