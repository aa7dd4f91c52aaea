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

/** The repository's own text files (code, docs, data), this test and the lock file aside. */
const textFiles = () =>
  execFileSync('git', ['ls-files'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|js|md|json|html|css)$/.test(f))
    .filter((f) => f !== 'package-lock.json' && f !== 'test/unit/self-contained.test.ts');

/** A merge that was committed half-resolved leaves its markers at the start of a line. */
const MERGE_MARKER = /^(<{7} |>{7} |={7}$)/;

describe('the repository', () => {
  it('holds no leftover merge-conflict markers', () => {
    const found = textFiles().flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (MERGE_MARKER.test(line) ? [`${file}:${i + 1}: ${line}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('cites no document outside it', () => {
    const files = textFiles();
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
