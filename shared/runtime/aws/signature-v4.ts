/**
 * AWS Signature Version 4 on node:crypto, for every request this runtime makes (the JSON protocols' POST
 * `/`, S3's object paths, SES's form POST, Scheduler's REST paths). It signs every header it is given but
 * the ones SigV4 leaves unsigned (`user-agent`, `x-amzn-trace-id`...), exactly as `@smithy/signature-v4`
 * does; test/unit/aws/ checks both agree.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface RequestToSign {
  method: string;
  /** As sent, already URI-encoded; the JSON protocols always use `/`. */
  path: string;
  /** The query's parameters, unencoded (the signer encodes and sorts them). */
  query?: Record<string, string> | undefined;
  /** Lower-case names. `host` must be among them. */
  headers: Record<string, string>;
  body: string | Uint8Array;
  /**
   * Every service but S3 signs the path URI-encoded once more (the SDK's `uriEscapePath`; its `.`/`..`
   * normalisation is left out: no path here has such a segment); S3 signs it as sent.
   */
  escapePath?: boolean | undefined;
}

/** RFC 3986 encoding, as SigV4 and the SDK's serializers use it: `!'()*` encoded too. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The query string SigV4 signs (and the request sends): encoded pairs sorted by name. */
export function canonicalQuery(query: Record<string, string> | undefined): string {
  return Object.keys(query ?? {})
    .sort()
    .map((name) => `${uriEncode(name)}=${uriEncode(query?.[name] ?? '')}`)
    .join('&');
}

/** Headers proxies or the runtime may rewrite, so SigV4 never signs them (the SDK's own list). */
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** The signing key of one (secret, day, region, service): derived once a day per client, not per request. */
const signingKeys = new Map<string, Buffer>();
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\n${day}\n${region}\n${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
    if (signingKeys.size > 50) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

/** `20260101T000000Z`: SigV4's basic ISO 8601 form. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * The request's headers with `x-amz-content-sha256`, `x-amz-date`, `x-amz-security-token` (when the credentials carry a session
 * token) and `authorization` added.
 */
export function signRequest(
  request: RequestToSign,
  scope: { service: string; region: string; credentials: AwsCredentials; date: Date },
): Record<string, string> {
  const { credentials, region, service } = scope;
  const stamp = amzDate(scope.date);
  const day = stamp.slice(0, 8);
  const payloadHash = sha256Hex(request.body);
  // The payload hash travels as a header too, as the SDK's signer sends it (signed like the others).
  const headers: Record<string, string> = {
    ...request.headers,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': stamp,
  };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

  const names = Object.keys(headers)
    .filter((name) => !UNSIGNABLE.has(name))
    .sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${(headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const path = request.escapePath ? uriEncode(request.path).replace(/%2F/g, '/') : request.path;
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery(request.query),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const credentialScope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, day, region, service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
