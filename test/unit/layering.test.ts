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

describe('layers', () => {
  it('no module under shared/ but the HTTP adapter imports shared/http: domain code throws DomainError', () => {
    const found: string[] = [];
    for (const file of tsFiles('shared')) {
      if (file.startsWith(join('shared', 'http'))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (
            /\bfrom\s+['"](\.\.\/http\/|#shared\/http\/)|import\(['"](\.\.\/http\/|#shared\/http\/)/.test(
              line,
            )
          )
            found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
