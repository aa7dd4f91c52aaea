/**
 * The esbuild options of every Lambda bundle, in one place with no CDK import: `AppFunction` hands them
 * to NodejsFunction (which runs esbuild with them), and `bench/bundles.ts` to esbuild's API, so the
 * bundle that is measured is the bundle that is deployed.
 */
import { fileURLToPath } from 'node:url';

/** The repository root, which LAMBDA_BUNDLING's paths are relative to. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * ESM bundles still meet CommonJS dependencies that call `require` (e.g. mailparser's dependencies);
 * esbuild cannot rewrite those, so every bundle gets a real `require` first.
 */

export const ESM_REQUIRE_BANNER =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

export const LAMBDA_BUNDLING = {
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  /**
   * Nothing is left out, the AWS SDK included: AWS then runs the code the lock file pins and the tests
   * exercise, and a single-file bundle initialises faster than the runtime's SDK loaded from its many
   * files (docs/performance.md, "Bundles"). Every AWS call goes through the lean client in
   * shared/runtime/aws/, so no bundle carries an SDK client (test/unit/bench/bundle-contents.test.ts).
   */
  external: [] as string[],
  /**
   * Modules replaced in every bundle, by repository-relative path. The SDK's default credential chain
   * becomes the environment alone: on Lambda the credentials are always there, and the chain's other
   * links (profile, SSO, STS, web identity, process, instance metadata) with the STS and SSO clients they
   * carry weighed ~110 KB in every bundle that held an SDK client (docs/performance.md, "Bundles"). No
   * bundle holds one now; the alias keeps that true of an SDK import that code pulls in later.
   */
  alias: {
    '@aws-sdk/credential-provider-node': './shared/runtime/clients/environment-credentials.ts',
  } as Record<string, string>,
} as const;

/** LAMBDA_BUNDLING's aliases with absolute paths (esbuild resolves relative ones from its working directory). */
export function absoluteAliases(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(LAMBDA_BUNDLING.alias).map(([from, to]) => [
      from,
      `${REPO_ROOT}${to.replace(/^\.\//, '')}`,
    ]),
  );
}

/** LAMBDA_BUNDLING as options of esbuild's own API (the bundles bench, tests that read a bundle's inputs). */
export function esbuildApiOptions() {
  const { banner, external, mainFields, ...options } = LAMBDA_BUNDLING;
  return {
    ...options,
    alias: absoluteAliases(),
    mainFields: [...mainFields],
    banner: { js: banner },
    external: [...external],
    bundle: true,
  };
}
