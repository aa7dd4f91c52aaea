import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AwsClientConfig, clientOptions } from './source.ts';

/**
 * The SDK's DynamoDB client, for table administration only (the local stack creates and checks its
 * table). No handler imports this module: the stores run the lean document client (clients/dynamodb.ts).
 */
export function dynamoTableClient(config: AwsClientConfig): DynamoDBClient {
  return new DynamoDBClient(clientOptions(config, 'dynamodb'));
}
