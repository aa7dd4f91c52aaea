import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The AWS services tierdesk calls, by the name an endpoint override is given under. */
export type AwsService = 'dynamodb' | 's3' | 'sfn' | 'scheduler' | 'ses' | 'secretsManager' | 'cognito';

/**
 * How to reach AWS. On Lambda only `s3ForcePathStyle` is set: region, credentials and endpoints come from
 * the SDK's own resolution. The local stack names its stand-ins here, with its own region and credentials.
 */
export interface AwsClientConfig {
  s3ForcePathStyle: boolean;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  endpoints?: Partial<Record<AwsService, string>>;
}

/** One client per service, made on first use (a function pays only for the clients it calls). */
export interface AwsClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly scheduler: SchedulerClient;
  readonly ses: SESClient;
  readonly secretsManager: SecretsManagerClient;
  readonly cognito: CognitoIdentityProviderClient;
  /** Closes the clients made so far (their keep-alive sockets): the local stack's stop. */
  destroy(): void;
}

/** The one place AWS SDK clients are made, for Lambda and the local stack alike. */
export function awsClients(config: AwsClientConfig): AwsClients {
  const options = (service: AwsService) => ({
    ...(config.region ? { region: config.region } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.endpoints?.[service] ? { endpoint: config.endpoints[service] } : {}),
  });
  const made = new Map<AwsService, { destroy(): void }>();
  const once = <T extends { destroy(): void }>(service: AwsService, make: () => T): T => {
    let client = made.get(service) as T | undefined;
    if (!client) {
      client = make();
      made.set(service, client);
    }
    return client;
  };
  return {
    get dynamo() {
      // Attributes left undefined are dropped, not refused: the stores write optional fields as they are.
      return once('dynamodb', () =>
        DynamoDBDocumentClient.from(new DynamoDBClient(options('dynamodb')), {
          marshallOptions: { removeUndefinedValues: true },
        }),
      );
    },
    get s3() {
      return once('s3', () => new S3Client({ ...options('s3'), forcePathStyle: config.s3ForcePathStyle }));
    },
    get sfn() {
      return once('sfn', () => new SFNClient(options('sfn')));
    },
    get scheduler() {
      return once('scheduler', () => new SchedulerClient(options('scheduler')));
    },
    get ses() {
      return once('ses', () => new SESClient(options('ses')));
    },
    get secretsManager() {
      return once('secretsManager', () => new SecretsManagerClient(options('secretsManager')));
    },
    get cognito() {
      return once('cognito', () => new CognitoIdentityProviderClient(options('cognito')));
    },
    destroy() {
      for (const client of made.values()) client.destroy();
      made.clear();
    },
  };
}
