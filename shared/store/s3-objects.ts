import type { ObjectStore } from '../objects/ports.ts';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '../runtime/aws/s3.ts';

/** S3 answers a missing key with 404 (NoSuchKey on GET, NotFound on HEAD). */
function isMissing(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as Error).name;
  return status === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

/** The one S3 adapter of the object-store port, for one bucket. */
export function s3ObjectStore(s3: S3Client, bucket: string): ObjectStore {
  const get = async (key: string) => {
    try {
      const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(result.Body);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };
  return {
    async put(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    get,
    async getText(key) {
      const bytes = await get(key);
      if (!bytes) throw new Error(`object ${key} is missing from ${bucket}`);
      return bytes.toString('utf8');
    },
    async size(key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async delete(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
