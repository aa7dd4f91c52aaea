import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { describe, expect, it } from 'vitest';
import { LocalDataError } from '#local/stack.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { startTestStack } from '../support/local-stack.ts';

/** A data directory whose table an older tierdesk created, under the index names it used then. */
async function olderDataDirectory(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-older-'));
  const server = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as { port: number };
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const current = tableDefinition('tierdesk-local');
  await client.send(
    new CreateTableCommand({
      ...current,
      GlobalSecondaryIndexes: (current.GlobalSecondaryIndexes ?? []).map((index) => ({
        ...index,
        IndexName: index.IndexName!.replace(/-v2$/, ''),
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  client.destroy();
  await new Promise<void>((ok) => server.close(() => ok()));
  return dataDir;
}

describe('a data directory from an older version', () => {
  it('is refused at start with what to do, instead of failing every query later', async () => {
    const dataDir = await olderDataDirectory();
    const start = startTestStack({ dataDir });
    await expect(start).rejects.toBeInstanceOf(LocalDataError);
    await expect(start).rejects.toThrow(/fresh data directory.*DATA_DIR=/);
  });
});
