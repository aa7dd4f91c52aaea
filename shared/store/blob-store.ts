import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Long bodies and attachments live outside DynamoDB's 400 KB items. */
export interface BlobStore {
  put(key: string, body: string, contentType: string): Promise<void>;
  getText(key: string): Promise<string>;
}

export function s3BlobStore(s3: S3Client, bucket: string): BlobStore {
  return {
    async put(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async getText(key) {
      const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!result.Body) throw new Error(`Object ${key} has no body`);
      return result.Body.transformToString('utf-8');
    },
  };
}
