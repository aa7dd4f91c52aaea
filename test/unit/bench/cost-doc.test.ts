import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CostInputs,
  renderAssumptions,
  renderCostTables,
  renderPriceSources,
  renderSeatComparison,
} from '../../../bench/cost-model.ts';

/**
 * docs/cost.md shows what `npm run cost` prints from its recorded inputs (bench/results/cost.json: the
 * counted templates and the measured lifecycles): a changed price, template or benchmark must be followed
 * by `npm run cost` and the doc.
 */
const doc = readFileSync(new URL('../../../docs/cost.md', import.meta.url), 'utf8');
const recorded = JSON.parse(
  readFileSync(new URL('../../../bench/results/cost.json', import.meta.url), 'utf8'),
) as CostInputs;
const section = (name: string) => {
  const match = new RegExp(`<!-- cost:${name} -->\\n([\\s\\S]*?)\\n<!-- /cost:${name} -->`).exec(doc);
  if (!match) throw new Error(`docs/cost.md has no <!-- cost:${name} --> section`);
  return match[1]?.trim();
};

describe('docs/cost.md', () => {
  it('was recorded from the current workflow benchmark', () => {
    const measured = JSON.parse(
      readFileSync(new URL('../../../bench/results/workflow-transitions.json', import.meta.url), 'utf8'),
    );
    expect(recorded.measuredAt).toBe(measured.measuredAt);
    expect(recorded.rows).toEqual(measured.rows);
  });

  it('shows the tables npm run cost prints', () => {
    expect(section('tables')).toBe(renderCostTables(recorded).trim());
    expect(section('seats')).toBe(renderSeatComparison(recorded, 'prod', 100_000).trim());
    expect(section('assumptions')).toBe(renderAssumptions().trim());
    expect(section('prices')).toBe(renderPriceSources().trim());
  });
});
