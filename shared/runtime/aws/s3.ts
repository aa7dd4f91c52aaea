/**
 * S3 objects over the lean transport: the four object operations tierdesk calls, by the SDK's names, on
 * the wire as `@aws-sdk/client-s3` puts them (test/integration/aws-wire-equivalence.test.ts): REST paths
 * with the key URI-encoded segment by segment, the bucket in the host (virtual-hosted) unless the
 * configuration forces path-style (the local stand-in) or the bucket cannot be a host label, a CRC32
 * checksum on every upload and checksum validation on every download, errors read from the XML body.
 */
import { crc32 } from 'node:zlib';
import {
  type AwsEndpoint,
  type AwsHttpConfig,
  awsHttpClient,
  type HttpRequest,
  type HttpResponse,
} from './http-client.ts';
import type { ResponseMetadata } from './service-error.ts';
import { uriEncode } from './signature-v4.ts';
import { xmlError } from './xml.ts';

export const S3 = {
  endpointPrefix: 's3',
  signingName: 's3',
  endpointEnv: 'S3',
} as const satisfies AwsEndpoint;

export interface S3ClientConfig extends AwsHttpConfig {
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>` (what the local stand-in serves). */
  forcePathStyle?: boolean | undefined;
}

interface ObjectAddress {
  Bucket: string;
  Key: string;
}
export interface PutObjectCommandInput extends ObjectAddress {
  Body: string | Uint8Array;
  ContentType?: string | undefined;
}
export interface PutObjectCommandOutput {
  ETag?: string | undefined;
  $metadata: ResponseMetadata;
}
export interface HeadObjectCommandOutput {
  ContentLength?: number | undefined;
  ContentType?: string | undefined;
  ETag?: string | undefined;
  LastModified?: Date | undefined;
  $metadata: ResponseMetadata;
}
export interface GetObjectCommandOutput extends HeadObjectCommandOutput {
  /** The whole object, read before `send` resolves (tierdesk's objects are mail bodies and attachments). */
  Body: Uint8Array;
}
export interface DeleteObjectCommandOutput {
  $metadata: ResponseMetadata;
}

/** What an S3 command puts on the wire (the bucket's place decided by the client) and reads back. */
interface S3Request extends Omit<HttpRequest, 'path' | 'hostPrefix'> {
  bucket: string;
  key: string;
}
abstract class S3Command<I extends ObjectAddress, O> {
  constructor(readonly input: I) {}
  abstract request(): S3Request;
  abstract output(response: HttpResponse): O;
}

const header = (response: HttpResponse, name: string) => {
  const value = response.headers[name];
  return typeof value === 'string' ? value : undefined;
};
function objectHeaders(response: HttpResponse): HeadObjectCommandOutput {
  const length = header(response, 'content-length');
  const modified = header(response, 'last-modified');
  return {
    ContentLength: length === undefined ? undefined : Number(length),
    ContentType: header(response, 'content-type'),
    ETag: header(response, 'etag'),
    LastModified: modified === undefined ? undefined : new Date(modified),
    $metadata: response.metadata,
  };
}

/** CRC32 as S3's checksum headers carry it: the four big-endian bytes, base64. */
export function crc32Base64(body: string | Uint8Array): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return bytes.toString('base64');
}

export class PutObjectCommand extends S3Command<PutObjectCommandInput, PutObjectCommandOutput> {
  request(): S3Request {
    const { Bucket, Key, Body, ContentType } = this.input;
    return {
      method: 'PUT',
      bucket: Bucket,
      key: Key,
      query: { 'x-id': 'PutObject' },
      headers: {
        // As the SDK sends a blob without a declared type.
        'content-type': ContentType ?? 'application/octet-stream',
        // The SDK's default integrity protection: S3 refuses the upload if the bytes it got differ.
        'x-amz-sdk-checksum-algorithm': 'CRC32',
        'x-amz-checksum-crc32': crc32Base64(Body),
      },
      body: Body,
    };
  }
  output(response: HttpResponse): PutObjectCommandOutput {
    return { ETag: header(response, 'etag'), $metadata: response.metadata };
  }
}

export class GetObjectCommand extends S3Command<ObjectAddress, GetObjectCommandOutput> {
  request(): S3Request {
    return {
      method: 'GET',
      bucket: this.input.Bucket,
      key: this.input.Key,
      query: { 'x-id': 'GetObject' },
      headers: { 'x-amz-checksum-mode': 'ENABLED' },
    };
  }
  output(response: HttpResponse): GetObjectCommandOutput {
    // As the SDK does: a whole-object CRC32 that does not match the bytes is an error, not a body.
    // (A multipart object's composite checksum, `<crc>-<parts>`, cannot be checked from the bytes.)
    const expected = header(response, 'x-amz-checksum-crc32');
    const composite = header(response, 'x-amz-checksum-type') === 'COMPOSITE' || expected?.includes('-');
    if (expected && !composite && expected !== crc32Base64(response.body))
      throw new Error(
        `Checksum mismatch: expected "${expected}" but received "${crc32Base64(response.body)}"`,
      );
    return { ...objectHeaders(response), Body: new Uint8Array(response.body) };
  }
}

export class HeadObjectCommand extends S3Command<ObjectAddress, HeadObjectCommandOutput> {
  request(): S3Request {
    return { method: 'HEAD', bucket: this.input.Bucket, key: this.input.Key };
  }
  output(response: HttpResponse): HeadObjectCommandOutput {
    return objectHeaders(response);
  }
}

export class DeleteObjectCommand extends S3Command<ObjectAddress, DeleteObjectCommandOutput> {
  request(): S3Request {
    return {
      method: 'DELETE',
      bucket: this.input.Bucket,
      key: this.input.Key,
      query: { 'x-id': 'DeleteObject' },
    };
  }
  output(response: HttpResponse): DeleteObjectCommandOutput {
    return { $metadata: response.metadata };
  }
}

/** The key as a path: each `/`-separated segment URI-encoded (`a b/ü+` is `a%20b/%C3%BC%2B`). */
export const keyPath = (key: string) => key.split('/').map(uriEncode).join('/');

/** A bucket the SDK would put in the host: a DNS label (no dots, no capitals), on a named host. */
const HOST_LABEL = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const IP_HOST = /^(\d{1,3}\.){3}\d{1,3}$|^\[/;

/**
 * Where an object request goes, as the SDK decides: path-style (`/<bucket>/<key>`) when the configuration
 * forces it, the bucket cannot be a host label or the endpoint is an IP address; else the bucket before
 * the endpoint's host (`<bucket>.s3.<region>.amazonaws.com/<key>`).
 */
export function objectLocation(bucket: string, key: string, endpoint: URL, forcePathStyle: boolean) {
  const pathStyle = forcePathStyle || !HOST_LABEL.test(bucket) || IP_HOST.test(endpoint.hostname);
  return pathStyle
    ? { path: `/${uriEncode(bucket)}/${keyPath(key)}` }
    : { path: `/${keyPath(key)}`, hostPrefix: bucket };
}

export interface S3Client {
  send<O>(command: S3Command<ObjectAddress, O>): Promise<O>;
  destroy(): void;
}

export function s3ObjectClient(config: S3ClientConfig): S3Client {
  const client = awsHttpClient(S3, config, { parseError: xmlError, escapePath: false });
  return {
    async send<O>(command: S3Command<ObjectAddress, O>) {
      const { bucket, key, ...request } = command.request();
      const location = objectLocation(bucket, key, client.endpoint(), config.forcePathStyle ?? false);
      return command.output(await client.send({ ...request, ...location }));
    },
    destroy: client.destroy,
  };
}
