/**
 * Objects kept outside DynamoDB's 400 KB items, in a bucket, by key: long message bodies, attachments,
 * export bundles, raw inbound mail. One port for all of them; shared/store/s3-objects.ts implements it
 * per bucket.
 */
export interface ObjectStore {
  put(key: string, body: Buffer | string, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** The object as UTF-8 text; a missing object is an error (the caller holds a reference to it). */
  getText(key: string): Promise<string>;
  /** The object's size in bytes, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** Deleting a missing object is not an error (S3 semantics), so retries are harmless. */
  delete(key: string): Promise<void>;
}

/** What the ticket store needs of the bodies bucket: long bodies written and read back. */
export type BlobStore = Pick<ObjectStore, 'put' | 'getText'>;
