/**
 * Rewrites the generated sections of docs/cost.md (between the
 * `<!-- cost:… -->` markers) from bench/results/cost.json, so the doc always shows what `npm run cost`
 * prints (test/unit/bench/cost-doc.test.ts checks it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  type CostInputs,
  renderAssumptions,
  renderCostTables,
  renderPriceSources,
  renderSeatComparison,
} from './cost-model.ts';

export function writeCostDoc(docPath: string, recorded: CostInputs): void {
  let doc = readFileSync(docPath, 'utf8');
  const sections: Record<string, string> = {
    tables: renderCostTables(recorded),
    seats: renderSeatComparison(recorded, 'prod', 100_000),
    assumptions: renderAssumptions(),
    prices: renderPriceSources(),
  };
  for (const [name, text] of Object.entries(sections)) {
    doc = doc.replace(
      new RegExp(`(<!-- cost:${name} -->\\n)[\\s\\S]*?(\\n<!-- /cost:${name} -->)`),
      (_all, open: string, close: string) => `${open}${text.trim()}${close}`,
    );
  }
  writeFileSync(docPath, doc);
}
