/**
 * Lambda bundle sizes and cold init. Every function infra/ deploys (the manifest's routes and async
 * functions, plus the directory's pre-token-generation trigger) is bundled with LAMBDA_BUNDLING, the
 * options the AppFunction construct passes to esbuild, so the measured bundle is the deployed one.
 * For comparison each is also bundled with the AWS SDK left to the Lambda runtime's copy.
 *
 * Cold init = `import()` of the bundle in a fresh Node process (module evaluation and the handler's
 * top-level set-up; Lambda's own sandbox start-up is not included), INIT_RUNS processes per bundle
 * (default 10), reported as p50 and p90. In the comparison the SDK resolves from node_modules, as it
 * resolves from the runtime's own copy on Lambda. Goals: median API handler ≤ 300 KB minified; none over 1 MB without
 * a reason in docs/performance.md. Writes bench/results/bundles.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { API_ROUTES } from '../functions/manifest/api-routes.ts';
import { ASYNC_FUNCTIONS } from '../functions/manifest/async-functions.ts';
import { esbuildApiOptions, LAMBDA_BUNDLING } from '../infra/constructs/lambda-bundling.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const INIT_RUNS = Number(process.env.INIT_RUNS ?? 10);
/** The comparison (SDK from the runtime) needs only its median. */
const COMPARISON_INIT_RUNS = Number(process.env.COMPARISON_INIT_RUNS ?? 3);
const GOAL_MEDIAN_API_KB = 300;
const LIMIT_KB = 1024;
/** Built by infra/constructs/user-directory.ts, not the manifest (a Cognito trigger). */
const DIRECTORY_TRIGGERS = ['functions/auth/pre-token-generation.ts'];

const apiHandlers = new Set(API_ROUTES.map((r) => r.handler));
const handlers = [
  ...new Set([
    ...API_ROUTES.map((r) => r.handler),
    ...ASYNC_FUNCTIONS.map((f) => f.handler),
    ...DIRECTORY_TRIGGERS,
  ]),
].sort();
// Under node_modules (out of the linter's way), so an external `@aws-sdk/*` import (the comparison)
// resolves from node_modules as it does from the runtime's copy on Lambda.
const out = join(root, 'node_modules', '.cache', 'tierdesk-bench-bundles');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

async function bundle(handler: string, sdkFromRuntime: boolean) {
  const outfile = join(
    out,
    `${handler.replace(/[/\\]/g, '__').replace(/\.ts$/, '')}${sdkFromRuntime ? '.sdk-from-runtime' : ''}.mjs`,
  );
  const options = esbuildApiOptions();
  const result = await build({
    ...options,
    entryPoints: [join(root, handler)],
    outfile,
    external: sdkFromRuntime ? ['@aws-sdk/*'] : options.external,
    tsconfig: join(root, 'tsconfig.json'),
    metafile: true,
    logLevel: 'silent',
  });
  return { outfile, kb: Math.round(statSync(outfile).size / 1024), metafile: result.metafile };
}

/** The three largest packages (or source folders) in a bundle, in KB. */
function largest(metafile: Metafile): string {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const by = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    by.set(pkg, (by.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([pkg, bytes]) => `${pkg} ${Math.round(bytes / 1024)}`)
    .join(', ');
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** Init time of `file` in `runs` fresh Node processes, p50 and p90 in ms. */
function coldInit(file: string, runs: number) {
  const times = Array.from({ length: runs }, () =>
    Number(
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`,
        ],
        {
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'us-east-1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
        },
      )
        .toString()
        .trim(),
    ),
  ).sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { p50: round(quantile(times, 0.5)), p90: round(quantile(times, 0.9)) };
}

const rows = [];
for (const handler of handlers) {
  const deployed = await bundle(handler, false);
  const sdkFromRuntime = await bundle(handler, true);
  const init = coldInit(deployed.outfile, INIT_RUNS);
  const initSdkFromRuntime = coldInit(sdkFromRuntime.outfile, COMPARISON_INIT_RUNS);
  rows.push({
    function: handler.replace(/^functions\//, ''),
    api: apiHandlers.has(handler),
    kb: deployed.kb,
    initP50ms: init.p50,
    initP90ms: init.p90,
    largest: largest(deployed.metafile),
    kbSdkFromRuntime: sdkFromRuntime.kb,
    initP50msSdkFromRuntime: initSdkFromRuntime.p50,
  });
  process.stdout.write('.');
}
process.stdout.write('\n');
rmSync(out, { recursive: true, force: true });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const apiRows = rows.filter((r) => r.api);
const summary = {
  bundles: rows.length,
  apiHandlers: apiRows.length,
  medianApiKb: median(apiRows.map((r) => r.kb)),
  medianApiKbSdkFromRuntime: median(apiRows.map((r) => r.kbSdkFromRuntime)),
  maxKb: Math.max(...rows.map((r) => r.kb)),
  overLimit: rows.filter((r) => r.kb > LIMIT_KB).map((r) => r.function),
  medianInitP50ms: median(rows.map((r) => r.initP50ms)),
  medianInitP90ms: median(rows.map((r) => r.initP90ms)),
  medianInitP50msSdkFromRuntime: median(rows.map((r) => r.initP50msSdkFromRuntime)),
};
console.table(rows.map(({ largest: _largest, ...r }) => r));
console.log(
  `${summary.bundles} bundles; median API handler ${summary.medianApiKb} KB (goal ≤ ${GOAL_MEDIAN_API_KB}; ${summary.medianApiKbSdkFromRuntime} KB with the SDK from the runtime); over ${LIMIT_KB} KB: ${summary.overLimit.join(', ') || 'none'}; cold init median p50 ${summary.medianInitP50ms} ms, p90 ${summary.medianInitP90ms} ms (${INIT_RUNS} processes per bundle).`,
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/bundles.json', import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'bundles',
      measuredAt: new Date().toISOString(),
      node: process.version,
      options: LAMBDA_BUNDLING,
      initRuns: INIT_RUNS,
      comparisonInitRuns: COMPARISON_INIT_RUNS,
      goalMedianApiKb: GOAL_MEDIAN_API_KB,
      limitKb: LIMIT_KB,
      summary,
      rows,
    },
    null,
    2,
  )}\n`,
);
