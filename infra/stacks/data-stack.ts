import { CfnOutput, Duration, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { tableDefinition } from '#shared/store/table-definition.ts';
import type { DeploymentConfig } from '../config.ts';
import { accessLogBucket } from '../constructs/access-log-bucket.ts';
import { contentBucket } from '../constructs/content-bucket.ts';
import { admitCloudWatchLogs, rotatingKey } from '../constructs/rotating-key.ts';
import { removalPolicyOf } from '../environment-settings.ts';

/**
 * What the data stack hands to the stacks that use it (passed as props, so CDK wires the references
 * and keeps the deploy order; nobody imports an export by its string name).
 *
 * Concrete classes rather than `ITable`/`IBucket`: under `exactOptionalPropertyTypes` the CDK classes do
 * not satisfy their own interfaces (`tableStreamArn: string | undefined` vs `tableStreamArn?: string`).
 */
export interface DataResources {
  /** The single table: tickets, messages, idempotency keys, SLA events, DSAR, appeals, purge audit. */
  readonly table: Table;
  /** Message bodies (`bodies/…`) and attachments (`attachments/…`), KMS-encrypted with `keys.data`. */
  readonly bodyBucket: Bucket;
  readonly keys: {
    /** Table, bucket and dead-letter queues: everything that holds ticket content. */
    readonly data: IKey;
    /** CloudWatch Logs log groups (its key policy admits the CloudWatch Logs service of this Region). */
    readonly logs: IKey;
  };
}

/** Days an overwritten or deleted object's previous versions are kept (accidental deletes can be undone meanwhile). */
export const NONCURRENT_VERSION_DAYS = 7;

export interface DataStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Everything stateful and hard to recreate: the table, the bucket, their keys. It changes rarely and is
 * deployed first; removal policies come from the environment's `removeDataOnDelete`.
 */
export class DataStack extends Stack implements DataResources {
  readonly table: Table;
  readonly bodyBucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly keys: { readonly data: Key; readonly logs: Key };

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);

    const dataKey = rotatingKey(this, 'DataKey', {
      description: `tierdesk ${config.envName}: table, message bodies, attachments and dead-letter queues`,
      alias: `alias/tierdesk/${config.envName}/data`,
      removalPolicy,
    });
    const logsKey = rotatingKey(this, 'LogsKey', {
      description: `tierdesk ${config.envName}: CloudWatch Logs log groups`,
      alias: `alias/tierdesk/${config.envName}/logs`,
      removalPolicy,
    });
    admitCloudWatchLogs(logsKey);
    this.keys = { data: dataKey, logs: logsKey };

    this.table = buildTable(this, config, dataKey, removalPolicy);

    // Target of S3 server access logs (cdk-nag S1 accepts it unlogged because it is a log target).
    // Log delivery cannot write to SSE-KMS buckets, hence SSE-S3 here.
    this.accessLogsBucket = accessLogBucket(this, 'AccessLogs', {
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
      forCloudFront: false,
    });

    this.bodyBucket = contentBucket(this, 'Bodies', {
      encryptionKey: dataKey,
      accessLogs: this.accessLogsBucket,
      accessLogPrefix: 'bodies/',
      removalPolicy,
      // Retention per data class is the purge's job (docs/compliance.md): it deletes the current objects. A
      // deleted object's older versions (and erased bodies) go a week later, so erasure reaches them too;
      // DSAR bundles expire after 35 days even if the purge never ran (a backstop to its 30 days).
      noncurrentVersionDays: NONCURRENT_VERSION_DAYS,
      lifecycleRules: [{ id: 'expire-dsar-exports', prefix: 'exports/', expiration: Duration.days(35) }],
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'BodyBucketName', { value: this.bodyBucket.bucketName });
  }
}

/** The single table, keyed exactly as the local stack creates it (`shared/store/table-definition.ts`). */
function buildTable(scope: Stack, config: DeploymentConfig, key: IKey, removalPolicy: RemovalPolicy): Table {
  const definition = tableDefinition('unused', config.tableIndexStep);
  const attributeType = (name: string | undefined): { name: string; type: AttributeType } => {
    const attribute = definition.AttributeDefinitions?.find((a) => a.AttributeName === name);
    if (!name || !attribute) throw new Error(`table-definition: attribute ${name} is not defined`);
    const types = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;
    const type = types[attribute.AttributeType as keyof typeof types];
    if (!type)
      throw new Error(`table-definition: attribute ${name} has unknown type ${attribute.AttributeType}`);
    return { name, type };
  };
  const keyOf = (schema: typeof definition.KeySchema, keyType: 'HASH' | 'RANGE') =>
    schema?.find((k) => k.KeyType === keyType)?.AttributeName;

  const sortKeyName = keyOf(definition.KeySchema, 'RANGE');
  const table = new Table(scope, 'Table', {
    partitionKey: attributeType(keyOf(definition.KeySchema, 'HASH')),
    ...(sortKeyName ? { sortKey: attributeType(sortKeyName) } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    // Short-lived items (the desk quota counters) carry their expiry in epoch seconds; DynamoDB deletes them.
    timeToLiveAttribute: 'ttlEpochSeconds',
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
    deletionProtection: !config.removeDataOnDelete,
    removalPolicy,
  });
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    if (!index.IndexName) throw new Error('table-definition: a GSI has no name');
    const projectionTypes = {
      ALL: ProjectionType.ALL,
      KEYS_ONLY: ProjectionType.KEYS_ONLY,
      INCLUDE: ProjectionType.INCLUDE,
    } as const;
    const projectionType = projectionTypes[index.Projection?.ProjectionType as keyof typeof projectionTypes];
    if (!projectionType)
      throw new Error(
        `table-definition: ${index.IndexName} has unknown projection ${index.Projection?.ProjectionType}`,
      );
    const indexSortKey = keyOf(index.KeySchema, 'RANGE');
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName,
      partitionKey: attributeType(keyOf(index.KeySchema, 'HASH')),
      ...(indexSortKey ? { sortKey: attributeType(indexSortKey) } : {}),
      projectionType,
      ...(projectionType === ProjectionType.INCLUDE
        ? { nonKeyAttributes: [...(index.Projection?.NonKeyAttributes ?? [])] }
        : {}),
    });
  }
  return table;
}
