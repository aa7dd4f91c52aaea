import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's DynamoDB document client, made on first use. */
export function dynamoClient(clients: ClientSource): DynamoDBDocumentClient {
  // Attributes left undefined are dropped, not refused: the stores write optional fields as they are.
  return clients.once('dynamodb', () =>
    DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions(clients.config, 'dynamodb')), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );
}
