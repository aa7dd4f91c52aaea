import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INDEX_STEPS, tableDefinition, tableIndexes } from '#shared/store/table-definition.ts';
import { parseDeploymentConfig } from '../../infra/config.ts';
import { buildApp, CDK_JSON_CONTEXT } from './infra-app.ts';

const dev = buildApp('dev');
const prod = buildApp('prod');

const gsi = (name: string, n: number, include: string[]) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
    { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: include },
});

describe('DataStack', () => {
  it('has one on-demand table keyed pk/sk with the four GSIs, PITR and the customer-managed key', () => {
    dev.dataTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        gsi('byDeskStatusDue-v2', 1, ['id', 'kind', 'createdAt']),
        gsi('byRequester-v2', 2, ['id', 'kind']),
        gsi('byDataClassCreated-v2', 3, ['id', 'kind']),
        gsi('byWorkflowPending-v2', 4, ['id', 'kind']),
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi4sk', AttributeType: 'S' },
      ]),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      },
    });
  });

  it('builds the same keys and indexes the local stack creates (shared/store/table-definition.ts)', () => {
    const local = tableDefinition('tickets');
    const [table] = Object.values(dev.dataTemplate.findResources('AWS::DynamoDB::Table'));
    const properties = table?.Properties;
    expect(properties.KeySchema).toEqual(local.KeySchema);
    expect(properties.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    const byName = (a: { AttributeName?: string | undefined }, b: { AttributeName?: string | undefined }) =>
      String(a.AttributeName).localeCompare(String(b.AttributeName));
    expect([...properties.AttributeDefinitions].sort(byName)).toEqual(
      [...(local.AttributeDefinitions ?? [])].sort(byName),
    );
  });

  it('rotates both customer-managed keys', () => {
    dev.dataTemplate.resourceCountIs('AWS::KMS::Key', 2);
    dev.dataTemplate.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('lets CloudWatch Logs use the logs key only for log groups of this account and Region', () => {
    dev.dataTemplate.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: Match.anyValue() },
            Action: [
              'kms:Decrypt',
              'kms:DescribeKey',
              'kms:Encrypt',
              'kms:GenerateDataKey',
              'kms:GenerateDataKeyWithoutPlaintext',
              'kms:ReEncryptFrom',
              'kms:ReEncryptTo',
            ],
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('keeps message bodies in a KMS-encrypted, versioned, private, TLS-only, access-logged bucket', () => {
    dev.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') },
        LogFilePrefix: 'bodies/',
      },
    });
    dev.dataTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Bodies') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expires S3 access logs after the configured log retention', () => {
    dev.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
    });
    prod.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
    });
  });

  it('keeps everything in prod: retained on delete, table deletion protection, no auto-delete', () => {
    prod.dataTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key']) {
      for (const resource of Object.values(prod.dataTemplate.findResources(type))) {
        expect(resource.DeletionPolicy, type).toBe('Retain');
      }
    }
    prod.dataTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    expect(prod.data.terminationProtection).toBe(true);
  });

  it('removes everything in dev', () => {
    dev.dataTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    dev.dataTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    expect(dev.data.terminationProtection).toBe(false);
  });

  it('upgrades a table with the previous ALL-projected indexes one index per deploy', () => {
    const names = (step: number) => tableIndexes(step).map((i) => i.IndexName!);
    expect(tableIndexes(0).map((i) => [i.IndexName, i.Projection?.ProjectionType])).toEqual([
      ['byDeskStatusDue', 'ALL'],
      ['byRequester', 'ALL'],
      ['byDataClassCreated', 'ALL'],
      ['byWorkflowPending', 'ALL'],
    ]);
    for (let step = 1; step <= INDEX_STEPS; step++) {
      const before = new Set(names(step - 1));
      const after = new Set(names(step));
      const added = [...after].filter((n) => !before.has(n));
      const removed = [...before].filter((n) => !after.has(n));
      expect(added.length + removed.length, `step ${step}`).toBe(1);
      // Every index the app reads exists before the old ones go: the narrow four by step 4.
      if (step >= 4) expect(names(step).filter((n) => n.endsWith('-v2'))).toHaveLength(4);
    }
    expect(names(INDEX_STEPS)).toEqual(tableDefinition('t').GlobalSecondaryIndexes?.map((i) => i.IndexName));

    // An environment names its step (default: finished); the data stack builds `tableDefinition(…, step)`.
    const environments = structuredClone(CDK_JSON_CONTEXT['tierdesk:environments']) as Record<
      string,
      Record<string, unknown>
    >;
    expect(parseDeploymentConfig('dev', environments).tableIndexStep).toBe(INDEX_STEPS);
    environments.dev!.tableIndexStep = 9;
    expect(() => parseDeploymentConfig('dev', environments)).toThrow(/tableIndexStep/);
    expect(() => tableIndexes(9)).toThrow(/0–8/);
  });
});
