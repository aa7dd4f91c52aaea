import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands on its own: code, docs and CLI output cite only files in it. A reference to a
 * document outside it (a sibling folder, planning notes, a tracker's issue number) is unreadable to the
 * next engineer and to a customer's auditor.
 */
const OUTSIDE_REFERENCES = [
  /(?<![./])\.\.\/shared\//,
  /\bpolicy-docs\//,
  /\b(CONVENTIONS|DESIGN|NOTES)(\.md| §| principle|:)/,
  /\b[Ii]ssue \d+\b/,
];

describe('the repository', () => {
  it('cites no document outside it', () => {
    const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|js|md|json|html|css)$/.test(f))
      .filter((f) => f !== 'package-lock.json' && f !== 'test/unit/self-contained.test.ts');
    const found: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (OUTSIDE_REFERENCES.some((pattern) => pattern.test(line)))
            found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
