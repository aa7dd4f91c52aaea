import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildApiOptions } from '#infra/constructs/lambda-bundling.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** What a deployed function's bundle is made of, built with the options infra/ deploys with. */
async function bundleInputs(handler: string) {
  const result = await build({
    ...esbuildApiOptions(),
    entryPoints: [`${root}${handler}`],
    outfile: '/dev/null/index.mjs',
    write: false,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return {
    code: result.outputFiles[0]!.text,
    inputs: Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  };
}

describe('Lambda bundles', () => {
  it('carry zod with its English messages only (a named `z` import pulled in every locale)', async () => {
    const { inputs } = await bundleInputs('functions/tickets/create-ticket.ts');
    expect(inputs.filter((path) => path.includes('zod/v4/locales/'))).toEqual([
      'node_modules/zod/v4/locales/en.js',
    ]);
  }, 30_000);

  it('carry the lean AWS client and the SDK pieces the lock file pins, importing nothing from the runtime', async () => {
    // A route on DynamoDB alone (a route that writes bodies to S3 still carries the SDK's S3 client and core).
    const { code, inputs } = await bundleInputs('functions/compliance/get-dsar.ts');
    expect(inputs).toContain('shared/runtime/aws/json-client.ts');
    expect(inputs.some((path) => path.startsWith('node_modules/@aws-sdk/util-dynamodb/'))).toBe(true);
    // The SDK's DynamoDB client and its core are what the lean client replaced.
    expect(
      inputs.filter((path) =>
        /node_modules\/(@aws-sdk\/(client-dynamodb|lib-dynamodb|core)|@smithy)\//.test(path),
      ),
    ).toEqual([]);
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
  }, 30_000);
});
