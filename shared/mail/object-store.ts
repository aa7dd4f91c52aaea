import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Binary objects: raw inbound MIME (read), attachments and HTML bodies (written). */
export interface MailObjects {
  /** Size of an object in bytes, or undefined if it does not exist. */
  size(bucket: string, key: string): Promise<number | undefined>;
  get(bucket: string, key: string): Promise<Buffer>;
  put(bucket: string, key: string, body: Buffer | string, contentType: string): Promise<void>;
}

export function s3MailObjects(s3: S3Client): MailObjects {
  return {
    async size(bucket, key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || (error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey')
          return undefined;
        throw error;
      }
    },
    async get(bucket, key) {
      const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!result.Body) throw new Error(`object ${key} has no body`);
      return Buffer.from(await result.Body.transformToByteArray());
    },
    async put(bucket, key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}
