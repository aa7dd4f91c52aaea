import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { dynamoDocumentClient } from '#shared/runtime/aws/dynamodb.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';

/** An in-memory dynalite with the product's table, for integration tests. */
export async function startDynalite(tableName = 'tierdesk-test') {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const options = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  // The SDK's client makes the table; the stores under test run the lean document client.
  const client = new DynamoDBClient(options);
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  const doc = dynamoDocumentClient(options);
  return {
    tableName,
    client,
    doc,
    async stop() {
      client.destroy();
      doc.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
