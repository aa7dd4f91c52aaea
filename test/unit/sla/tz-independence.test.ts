import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probe } from './tz-probe.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('results do not depend on the process time zone', () => {
  it('a child process with TZ=Pacific/Chatham computes the same deadlines and actions', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./tz-probe.ts', import.meta.url))],
      {
        cwd: root,
        env: { ...process.env, TZ: 'Pacific/Chatham' },
        encoding: 'utf8',
      },
    );
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as { localOffset: number; result: unknown };
    expect(out.localOffset).toBe(-825); // the child really ran at UTC+13:45
    expect(out.result).toEqual(JSON.parse(JSON.stringify(probe())));
    // A child process that compiles TypeScript: seconds on a loaded two-core machine.
  }, 60_000);

  it('domain code never reads the local zone or the current time', () => {
    const forbidden =
      /Date\.now\(|new Date\(\)|\.(get|set)(FullYear|Month|Date|Day|Hours|Minutes|Seconds)\(|getTimezoneOffset|@aws-sdk/;
    for (const dir of ['shared/sla', 'shared/policy']) {
      for (const file of readdirSync(`${root}${dir}`).filter((f) => f.endsWith('.ts'))) {
        const text = readFileSync(`${root}${dir}/${file}`, 'utf8');
        expect(text.match(forbidden)?.[0], `${dir}/${file}`).toBeUndefined();
      }
    }
  });
});
