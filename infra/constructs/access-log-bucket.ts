import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeAccessLogBucket } from '../control-tower.ts';

/**
 * A target bucket for S3 server access logs or CloudFront standard logs: private, TLS only, SSE-S3 (log
 * delivery cannot write SSE-KMS objects), objects expiring after the log retention. CloudFront's standard
 * logs need object ACLs (`forCloudFront`); S3 server access logs do not.
 */
export function accessLogBucket(
  scope: Construct,
  id: string,
  props: { logRetentionDays: number; removalPolicy: RemovalPolicy; forCloudFront: boolean },
): Bucket {
  const bucket = new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: props.forCloudFront
      ? ObjectOwnership.BUCKET_OWNER_PREFERRED
      : ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.logRetentionDays) }],
    removalPolicy: props.removalPolicy,
    autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
  });
  acknowledgeAccessLogBucket(bucket);
  return bucket;
}
