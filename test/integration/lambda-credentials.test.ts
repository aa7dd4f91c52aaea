import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildApiOptions } from '#infra/constructs/lambda-bundling.ts';
import { PutCommand } from '#shared/runtime/aws/dynamodb.ts';
import { startDynalite } from '../support/dynalite.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/**
 * A Lambda bundle's AWS clients take their credentials from the environment alone (the SDK's default
 * chain is aliased away): run for real, in a fresh Node process, against dynalite.
 */
describe('credentials in a Lambda bundle', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let dir: string;
  let bundle: string;
  let inputs: string[];

  beforeAll(async () => {
    db = await startDynalite();
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { pk: 'PROBE', sk: 'PROBE', n: 1 } }));
    dir = mkdtempSync(join(tmpdir(), 'tierdesk-bundle-'));
    bundle = join(dir, 'index.mjs');
    const result = await build({
      ...esbuildApiOptions(),
      entryPoints: [join(root, 'test/integration/fixtures/bundled-table-read.ts')],
      outfile: bundle,
      sourcemap: false,
      metafile: true,
      logLevel: 'silent',
    });
    inputs = Object.keys(Object.values(result.metafile.outputs)[0]?.inputs ?? {});
  }, 60_000);

  afterAll(async () => {
    await db?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function read(env: Record<string, string>) {
    const endpoint = await db.client.config.endpoint?.();
    const address = `http://${endpoint?.hostname}:${endpoint?.port}`;
    return run(process.execPath, [bundle, address, db.tableName], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
  }

  it('carries neither the default chain nor the STS and SSO clients', () => {
    expect(
      inputs.filter((path) => /@aws-sdk\/(credential-provider-|nested-clients|token-providers)/.test(path)),
    ).toEqual([]);
    // The lean client reads the environment itself: no SDK DynamoDB client, no credential chain at all.
    expect(inputs).toContain('shared/runtime/aws/json-client.ts');
    expect(inputs.filter((path) => path.includes('@aws-sdk/client-dynamodb'))).toEqual([]);
  });

  it('signs with the credentials Lambda puts in the environment', async () => {
    const { stdout } = await read({
      AWS_ACCESS_KEY_ID: 'AKIDLAMBDA',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      // The full chain would go to this profile first and fail; the bundle never reads profiles.
      AWS_PROFILE: 'no-such-profile',
    });
    expect(JSON.parse(stdout)).toEqual({ pk: 'PROBE', sk: 'PROBE', n: 1 });
  }, 30_000);

  it('without them, fails naming the environment', async () => {
    await expect(read({})).rejects.toMatchObject({
      stderr: expect.stringContaining('No AWS credentials in the environment'),
    });
  }, 30_000);
});
