import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('the local gateway', () => {
  it('answers a method the path does not have with 405, Allow and the path as instance', async () => {
    const res = await fetch(`${t.url}/tickets`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, GET');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 405, instance: '/tickets' });
  });

  it('answers an unknown route with a problem naming the path as instance', async () => {
    const res = await fetch(`${t.url}/no/such/route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: '/problems/not-found', instance: '/no/such/route' });
  });
});

describe('npm start on a port in use', () => {
  it('says which variable to change, exits 1, prints no stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const { port } = blocker.address() as { port: number };
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      env: {
        ...process.env,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'tierdesk-port-')),
        PORT: '0',
        DYNAMODB_PORT: '0',
        S3_PORT: '0',
        SFN_PORT: '0',
        SES_PORT: '0',
        SMTP_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    blocker.close();
    expect(code).toBe(1);
    expect(output.trim()).toMatch(new RegExp(`^Port ${port} \\(SMTP_PORT, .*\\) is in use; set SMTP_PORT=`));
    expect(output).not.toMatch(/\n\s+at /);
  });
});
