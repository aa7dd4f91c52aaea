import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface ContentBucketProps {
  /**
   * The customer-managed key its objects are encrypted with (S3 Bucket Keys keep KMS requests down), or
   * `S3_MANAGED` (SSE-S3) for a bucket of files that are public by design (the ops console's static files).
   */
  readonly encryptionKey: IKey | 'S3_MANAGED';
  /** Where S3 server access logs go ({@link accessLogBucket}), under `accessLogPrefix`. */
  readonly accessLogs: Bucket;
  readonly accessLogPrefix: string;
  readonly removalPolicy: RemovalPolicy;
  /** Rules besides the one that expires previous versions after `noncurrentVersionDays`. */
  readonly lifecycleRules?: readonly LifecycleRule[];
  readonly noncurrentVersionDays: number;
}

/**
 * A bucket that holds the app's objects: SSE-KMS with the given key (or SSE-S3 where asked), private, owner-enforced, TLS 1.2+ only,
 * versioned (an overwrite or delete can be undone until the old version expires, after which expiry and
 * erasure reach it too), access-logged.
 */
export function contentBucket(scope: Construct, id: string, props: ContentBucketProps): Bucket {
  return new Bucket(scope, id, {
    ...(props.encryptionKey === 'S3_MANAGED'
      ? { encryption: BucketEncryption.S3_MANAGED }
      : { encryption: BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }),
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    // Cast: Bucket does not satisfy IBucket under exactOptionalPropertyTypes.
    serverAccessLogsBucket: props.accessLogs as unknown as IBucket,
    serverAccessLogsPrefix: props.accessLogPrefix,
    lifecycleRules: [
      ...(props.lifecycleRules ?? []),
      {
        id: 'expire-noncurrent-versions',
        noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays),
        expiredObjectDeleteMarker: true,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
    removalPolicy: props.removalPolicy,
    autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
  });
}
