import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * The README's commands, run in order in one bash session against a local stack on ports other than
 * the defaults, with the README's own variables (PORT, API, SMTP_PORT, SFN_PORT, DATA_DIR): a command
 * that hard-codes a port, or a walk-through that no longer works, fails here.
 */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Fenced sh blocks, in order; those that install, start, test or deploy are for a person, not for this run. */
function runnableBlocks(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.filter((block) => !/^(npm ci|npx cdk|npm run deploy)/m.test(block));
}

let t: TestStack;
const created = ['my-data.json'].filter((file) => !existsSync(file));
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
  for (const file of created) rmSync(file, { force: true });
});

describe('README', () => {
  it('has its commands on variables, not on fixed ports', () => {
    const commands = runnableBlocks(README).join('\n');
    expect(commands).not.toMatch(/127\.0\.0\.1:\d/);
    expect(commands).not.toMatch(/:(3000|2525|8083)\b(?!})/);
  });

  it('runs top to bottom on non-default ports', async () => {
    const script = ['set -eo pipefail', ...runnableBlocks(README)].join('\n');
    const { port } = new URL(t.url);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: port,
      API: t.url,
      SMTP_PORT: String(t.stack.mail.smtpPort),
      SFN_PORT: new URL(t.stack.urls.stepfunctions).port,
      DATA_DIR: t.stack.dataDir,
    };
    const child = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });
    // Every API call succeeded: no problem document anywhere in the output.
    expect(out).not.toMatch(/"type":\s*"\/problems\//);
    // The SLA walk-through shows what it promises.
    expect(out).toMatch(/first-response running/);
    expect(out).toMatch(/first-response breached/);
    expect(out).toMatch(/ warned .* escalated /s);
    // The jobs end with their summary line.
    expect(out).toMatch(/^retention-purge: SUCCEEDED \(4 desks/m);
    expect(out).toMatch(/^compliance-sweep: /m);
  }, 300_000);
});
