import { type S3Client, s3ObjectClient } from '../aws/s3.ts';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's S3 client (the lean one, shared/runtime/aws/), made on first use. */
export function s3Client(clients: ClientSource): S3Client {
  return clients.once('s3', () =>
    s3ObjectClient({
      ...clientOptions(clients.config, 's3'),
      forcePathStyle: clients.config.s3ForcePathStyle,
    }),
  );
}
