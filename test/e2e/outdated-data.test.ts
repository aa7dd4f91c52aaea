import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { describe, expect, it } from 'vitest';
import { LocalDataError, startLocalStack } from '#local/stack.ts';
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

  it('leaves no server listening after the refused start (each port it took can be taken again)', async () => {
    const dataDir = await olderDataDirectory();
    const names = [
      'apiPort',
      'dynamoPort',
      's3Port',
      'sfnPort',
      'sesPort',
      'smtpPort',
      'schedulerPort',
      'directoryPort',
    ];
    const ports = Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, await freePort()] as const)),
    );
    await expect(startLocalStack({ dataDir, ...ports })).rejects.toBeInstanceOf(LocalDataError);
    for (const [name, port] of Object.entries(ports)) {
      await expect(canListen(port), `${name} ${port} still taken`).resolves.toBe(true);
    }
  });
});

/** A port nothing listens on now (the OS picks it; closed again before use). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((ok) => {
    server.once('error', () => ok(false));
    server.listen(port, '127.0.0.1', () => ok(true));
  });
  if (listening) await new Promise<void>((ok) => server.close(() => ok()));
  return listening;
}
