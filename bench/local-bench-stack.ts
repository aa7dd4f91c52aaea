import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStackOptions, ON_FREE_PORTS, startLocalStack } from '../local/stack.ts';

/** The whole local stack on free ports and a throw-away data directory, for one benchmark run. */
export async function startBenchStack(
  name: string,
  options: Pick<LocalStackOptions, 'dynamoEndpointFor' | 'schedules'> = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), `tierdesk-bench-${name}-`));
  const stack = await startLocalStack({
    dataDir,
    ...ON_FREE_PORTS,
    ...options,
  });
  return {
    stack,
    async stop() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
