/** `npm run bench`: runs every benchmark program in bench/ in turn; each prints a table and writes bench/results/<name>.json. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const programs = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)));
let failed = 0;
for (const program of programs) {
  console.log(`\n== ${program}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${program}`], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
