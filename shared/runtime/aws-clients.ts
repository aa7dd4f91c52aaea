import type { CognitoIdentityProviderClient } from './aws/cognito.ts';
import type { DynamoDBDocumentClient } from './aws/dynamodb.ts';
import type { S3Client } from './aws/s3.ts';
import type { SchedulerClient } from './aws/scheduler.ts';
import type { SecretsManagerClient } from './aws/secrets-manager.ts';
import type { SESClient } from './aws/ses.ts';
import type { SFNClient } from './aws/step-functions.ts';
import { cognitoClient } from './clients/cognito.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { s3Client } from './clients/s3.ts';
import { schedulerClient } from './clients/scheduler.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { sesClient } from './clients/ses.ts';
import { sfnClient } from './clients/sfn.ts';
import { type AwsClientConfig, type ClientSource, clientSource } from './clients/source.ts';

export type { AwsClientConfig, AwsService } from './clients/source.ts';

/**
 * Every client by name, for the local stack and the command-line tools (they seed tables, drop raw mail
 * into buckets). Handlers never import this module: their composition roots call the one client module
 * they need (clients/<service>.ts), so a function's bundle carries no SDK client it does not call.
 */
export interface AwsClients extends ClientSource {
  readonly dynamo: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly scheduler: SchedulerClient;
  readonly ses: SESClient;
  readonly secretsManager: SecretsManagerClient;
  readonly cognito: CognitoIdentityProviderClient;
}

/** The clients of `config`, made on first use; the same instances the installed runtime's handlers get. */
export function awsClients(config: AwsClientConfig): AwsClients {
  const source = clientSource(config);
  return {
    config,
    once: source.once,
    destroy: source.destroy,
    get dynamo() {
      return dynamoClient(source);
    },
    get s3() {
      return s3Client(source);
    },
    get sfn() {
      return sfnClient(source);
    },
    get scheduler() {
      return schedulerClient(source);
    },
    get ses() {
      return sesClient(source);
    },
    get secretsManager() {
      return secretsManagerClient(source);
    },
    get cognito() {
      return cognitoClient(source);
    },
  };
}
