import { S3Client } from '@aws-sdk/client-s3';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's S3 client, made on first use. */
export function s3Client(clients: ClientSource): S3Client {
  return clients.once(
    's3',
    () =>
      new S3Client({
        ...clientOptions(clients.config, 's3'),
        forcePathStyle: clients.config.s3ForcePathStyle,
      }),
  );
}
