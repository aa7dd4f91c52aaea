import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { fieldErrorsOf, problems } from './problem.ts';

/** Largest request body accepted (bytes). Message bodies are capped lower by their schemas. */
export const MAX_BODY_BYTES = 256 * 1024;

function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Parses a JSON body against a schema: size, media type, syntax and fields each get their own problem. */
export function parseJsonBody<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const raw = rawBody(event);
  if (raw.length > MAX_BODY_BYTES) throw problems.payloadTooLarge(MAX_BODY_BYTES);
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) throw problems.unsupportedMediaType();
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw problems.malformedJson((error as Error).message);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(fieldErrorsOf(result.error));
  return result.data;
}

/** Parses query-string parameters; field pointers are written `?name`. */
export function parseQuery<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) {
    throw problems.validation(
      fieldErrorsOf(result.error).map((e) => ({ ...e, pointer: `?${e.pointer.slice(1)}` })),
    );
  }
  return result.data;
}

export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw problems.notFound(`/${name}`);
  return value;
}

/** Fingerprint of a request, to tell a retry from a different request reusing an idempotency key. */
export function requestFingerprint(event: APIGatewayProxyEventV2): string {
  return createHash('sha256')
    .update(`${event.requestContext.http.method} ${event.rawPath}\n`)
    .update(rawBody(event))
    .digest('base64url');
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export function idempotencyKey(event: APIGatewayProxyEventV2): string | undefined {
  const key = event.headers?.['idempotency-key'];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw problems.validation([
      { pointer: 'header:Idempotency-Key', detail: '8–128 characters: letters, digits, . _ : -' },
    ]);
  }
  return key;
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Reads the version from `If-Match: "3"` (weak `W/"3"` accepted). Required on updates. */
export function requiredIfMatchVersion(event: APIGatewayProxyEventV2): number {
  const header = event.headers?.['if-match'];
  if (!header)
    throw problems.preconditionRequired('Send If-Match with the ticket ETag (its version) to update it.');
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match?.[1]) {
    throw problems.validation([
      { pointer: 'header:If-Match', detail: 'an ETag such as "3" from GET /tickets/{id}' },
    ]);
  }
  return Number(match[1]);
}
