import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from '#shared/validation/zod.ts';
import { fieldErrorsOf, problems, quotePrefix } from './problem.ts';
import { decodeUtf8 } from './utf8.ts';

/** Largest request body accepted (bytes). Message bodies are capped lower by their schemas. */
export const MAX_BODY_BYTES = 256 * 1024;

function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** The request body as text: bounded, and refused (400, with the byte offset) unless it is valid UTF-8. */
export function bodyText(event: APIGatewayProxyEventV2): string {
  const raw = rawBody(event);
  if (raw.length > MAX_BODY_BYTES) throw problems.payloadTooLarge(MAX_BODY_BYTES);
  const decoded = decodeUtf8(raw);
  if (!decoded.ok) throw problems.invalidUtf8(decoded.offset);
  return decoded.text;
}

/** Parses a JSON body against a schema: size, media type, syntax and fields each get their own problem. */
export function parseJsonBody<T extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  if (rawBody(event).length > MAX_BODY_BYTES) throw problems.payloadTooLarge(MAX_BODY_BYTES);
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) throw problems.unsupportedMediaType();
  const text = bodyText(event);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw problems.malformedJson((error as Error).message);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(fieldErrorsOf(result.error));
  return result.data;
}

/** Parses query-string parameters; field pointers are written `?name`. */
export function parseQuery<T extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) {
    throw problems.validation(
      fieldErrorsOf(result.error).map((e) => ({ ...e, pointer: `?${e.pointer.slice(1)}` })),
    );
  }
  return result.data;
}

/** The shapes of path parameters: every route names one, so no unchecked id reaches a service. */
export const PathParameter = {
  /** Ticket, DSAR, billing appeal and incident ids. */
  ulid: { pattern: /^[0-9A-HJKMNP-TV-Z]{26}$/, describe: 'a ULID (26 characters of Crockford base32)' },
  desk: { pattern: /^[a-z0-9][a-z0-9-]{1,39}$/, describe: 'a desk id (lower-case letters, digits, dashes)' },
  /** `tk-<ticket id>` or `rq-<32 hex digits>` (shared/compliance/legal-hold.ts). */
  legalHold: { pattern: /^(tk-[0-9A-HJKMNP-TV-Z]{26}|rq-[0-9a-f]{32})$/, describe: 'a legal hold id' },
  /** A received mail's dedupe key (40 hex digits of a hash), which names suspended mail. */
  mailKey: { pattern: /^(ses-)?[0-9a-f]{40}$/, describe: 'a suspended mail id (40 hexadecimal digits)' },
  /** An address or `@domain` (checked in full by the ban service). */
  banTarget: { pattern: /^[^\s/]{3,254}$/, describe: 'an email address or @domain' },
} as const satisfies Record<string, { pattern: RegExp; describe: string }>;
export type PathParameterShape = (typeof PathParameter)[keyof typeof PathParameter];

/**
 * A path parameter of the expected shape. Anything else is a 400 that quotes only a short, escaped
 * prefix, so a garbage id is neither looked up nor echoed back.
 */
export function pathParameter(
  event: APIGatewayProxyEventV2,
  name: string,
  shape: PathParameterShape,
): string {
  const value = event.pathParameters?.[name];
  if (!value) throw problems.notFound(`/${name}`);
  if (!shape.pattern.test(value)) {
    throw problems.validation(
      [{ pointer: `path:${name}`, detail: `${shape.describe}; got ${quotePrefix(value)}` }],
      'A path parameter is malformed; see `errors`.',
    );
  }
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
