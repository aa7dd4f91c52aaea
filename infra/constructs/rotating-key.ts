import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * A customer-managed KMS key with yearly rotation and an alias. Each key is billed monthly (docs/cost.md):
 * a new one is justified only by a key policy that must admit a service the others must not.
 */
export function rotatingKey(
  scope: Construct,
  id: string,
  props: { description: string; alias: string; removalPolicy: RemovalPolicy },
): Key {
  return new Key(scope, id, { ...props, enableKeyRotation: true });
}

/**
 * Lets CloudWatch Logs of the key's own account and Region encrypt log groups with it. Logs encrypts with the
 * key itself, so the key policy (not an IAM role) must admit it. Actions spelled out instead of `kms:*Encrypt*`.
 */
export function admitCloudWatchLogs(key: Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
        },
      },
    }),
  );
}
