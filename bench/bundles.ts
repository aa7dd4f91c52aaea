/**
 * Lambda bundle sizes and cold-start init time. Each handler is bundled as infra/ does
 * (esbuild, ESM, node22, minified, AWS SDK bundled), and — for comparison — with the SDK left to
 * the Lambda runtime. Init time = importing the bundle in a fresh Node process (module
 * evaluation; Lambda's own sandbox start-up is not included). Goal: ≤ 250 KB minified.
 * Writes bench/results/bundles.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = readdirSync(join(root, 'functions'), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(root, 'functions', f))
  .sort();
const out = mkdtempSync(join(tmpdir(), 'tierdesk-bundles-'));
const banner = "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);";

async function bundle(entry: string, external: string[], suffix: string) {
  const outfile = join(
    out,
    `${relative(join(root, 'functions'), entry).replace(/[/\\]/g, '__').replace(/\.ts$/, '')}${suffix}.mjs`,
  );
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: banner },
    external,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'silent',
  });
  return outfile;
}

function initMs(file: string): number {
  // Median of three fresh processes; each prints how long `import()` of the bundle took.
  const runs = [0, 1, 2].map(() =>
    Number(
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`,
        ],
        {
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      )
        .toString()
        .trim(),
    ),
  );
  return Math.round(runs.sort((a, b) => a - b)[1]! * 10) / 10;
}

const rows = [];
for (const entry of entries) {
  const full = await bundle(entry, [], '');
  const lean = await bundle(entry, ['@aws-sdk/*', '@smithy/*'], '.sdk-external');
  rows.push({
    function: relative(join(root, 'functions'), entry),
    kb: Math.round(statSync(full).size / 1024),
    kbWithoutSdk: Math.round(statSync(lean).size / 1024),
    initMs: initMs(full),
  });
}
rmSync(out, { recursive: true, force: true });
console.table(rows);
const over = rows.filter((r) => r.kb > 250).length;
console.log(
  `${rows.length} bundles; ${over} over 250 KB with the SDK bundled; ${rows.filter((r) => r.kbWithoutSdk > 250).length} over without it.`,
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/bundles.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'bundles', measuredAt: new Date().toISOString(), node: process.version, goalKb: 250, rows }, null, 2)}\n`,
);
