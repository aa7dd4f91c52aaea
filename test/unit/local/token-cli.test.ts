import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-token-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const tokenCli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'local/token-cli.ts', ...args, '--data-dir', dataDir]);

describe('npm run token', () => {
  it('prints a token for a desk with a policy pack', async () => {
    const { stdout } = await tokenCli('--role', 'agent', '--desk', 'techflow');
    expect(stdout.trim().split('\n').pop()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  }, 30_000);

  it('refuses a desk without one, naming the desks there are', async () => {
    const error = (await tokenCli('--role', 'agent', '--desk', 'nosuchdesk').catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/Unknown desk "nosuchdesk".*techflow/);
  }, 30_000);
});
