import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { buildApp } from './infra-app.ts';

const dev = buildApp('dev');
const prod = buildApp('prod');

const gsi = (name: string, n: number) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
    { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'ALL' },
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
        gsi('byDeskStatusDue', 1),
        gsi('byRequester', 2),
        gsi('byDataClassCreated', 3),
        gsi('byWorkflowPending', 4),
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
});
