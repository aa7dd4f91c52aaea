import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Scripts run from a terminal by npm scripts (never deployed), whose output is a message to the
 * person who ran them.
 */
const TERMINAL_SCRIPTS = ['shared/policy/export-schema.ts', 'shared/sla/generate-holidays.ts'];

describe('logging', () => {
  it('every line a function writes goes through the redacting logger (no console.* in shared/ or functions/)', () => {
    const found: string[] = [];
    for (const file of [...tsFiles('shared'), ...tsFiles('functions')]) {
      if (file.startsWith(join('shared', 'observability')) || TERMINAL_SCRIPTS.includes(file)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\bconsole\.(log|error|warn|info|debug|trace)\s*\(/.test(line))
            found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
