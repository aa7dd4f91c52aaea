import { type DynamoDBDocumentClient, dynamoDocumentClient } from '../aws/dynamodb.ts';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's DynamoDB document client (the lean one, shared/runtime/aws/), made on first use. */
export function dynamoClient(clients: ClientSource): DynamoDBDocumentClient {
  return clients.once('dynamodb', () => dynamoDocumentClient(clientOptions(clients.config, 'dynamodb')));
}
