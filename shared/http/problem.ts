import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from '#shared/validation/zod.ts';
import { DomainError, type DomainErrorKind, type FieldError } from '../errors/domain-error.ts';

export type { FieldError } from '../errors/domain-error.ts';
export { fieldErrorsOf, pointerOf } from '../errors/domain-error.ts';

/**
 * An RFC 9457 problem. Handlers throw it (domain code throws a DomainError, mapped by `problemOf`);
 * the error middleware renders it.
 * `type` is a relative URI documented in docs/api.md.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }
}

/** Status, problem type and title of each domain error kind (the types are listed in docs/api.md). */
const KINDS: Record<DomainErrorKind, { status: number; slug: string; title: string }> = {
  validation: { status: 400, slug: 'validation', title: 'Invalid request' },
  unauthenticated: { status: 401, slug: 'unauthenticated', title: 'Authentication required' },
  forbidden: { status: 403, slug: 'forbidden', title: 'Not allowed' },
  banned: { status: 403, slug: 'requester-banned', title: 'Support unavailable' },
  'authority-required': { status: 403, slug: 'authority-required', title: 'Needs more authority' },
  'not-found': { status: 404, slug: 'not-found', title: 'Not found' },
  conflict: { status: 409, slug: 'conflict', title: 'Conflict' },
  'precondition-failed': { status: 412, slug: 'precondition-failed', title: 'Precondition failed' },
  unprocessable: { status: 422, slug: 'unprocessable', title: 'Unprocessable request' },
  'idempotency-key-reused': { status: 422, slug: 'idempotency-key-reused', title: 'Idempotency key reused' },
  'rate-limited': { status: 429, slug: 'rate-limited', title: 'Too many requests' },
};

/** The problem a domain error is answered with; a conflict's code is its problem type. */
export function problemOf(error: DomainError): Problem {
  const { status, slug, title } = KINDS[error.kind];
  return new Problem(
    status,
    error.kind === 'conflict' && error.code ? error.code : slug,
    title,
    error.detail,
    error.errors,
    error.kind === 'unauthenticated'
      ? { 'www-authenticate': 'Bearer realm="tierdesk"' }
      : error.kind === 'rate-limited'
        ? { 'retry-after': '1' }
        : undefined,
  );
}

/** The problem+json body `renderProblem` writes (RFC 9457), as the API contract states it. */
export const ProblemDocument = z.strictObject({
  type: z.string().check(z.describe('`/problems/<slug>`, e.g. `/problems/validation`')),
  title: z.string(),
  status: z.number().check(z.int(), z.minimum(400), z.maximum(599)),
  detail: z.optional(z.string()),
  instance: z.optional(z.string()),
  errors: z.optional(
    z.array(
      z.strictObject({
        pointer: z
          .string()
          .check(z.describe('JSON Pointer into the body, or `query:<name>`, `path:<name>`, `header:<name>`')),
        detail: z.string(),
        change: z.optional(z.string()),
        requiredRole: z.optional(z.string()),
      }),
    ),
  ),
});

/** Problems of the HTTP layer itself, and the domain's kinds for handlers that refuse a request directly. */
export const problems = {
  validation: (errors: FieldError[], detail?: string) => problemOf(DomainError.validation(errors, detail)),
  malformedJson: (detail: string) => new Problem(400, 'malformed-json', 'Malformed JSON body', detail),
  invalidUtf8: (offset: number) =>
    new Problem(
      400,
      'invalid-utf8',
      'Body is not valid UTF-8',
      `The request body is not valid UTF-8: the byte at offset ${offset} does not start a well-formed sequence.`,
    ),
  unsupportedMediaType: () =>
    new Problem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      'Send the body as application/json.',
    ),
  payloadTooLarge: (limit: number) =>
    new Problem(
      413,
      'payload-too-large',
      'Request body too large',
      `The body must be at most ${limit} bytes.`,
    ),
  unauthenticated: (detail: string) => problemOf(DomainError.unauthenticated(detail)),
  forbidden: (detail: string) => problemOf(DomainError.forbidden(detail)),
  notFound: (what: string) => problemOf(DomainError.notFound(what)),
  conflict: (code: string, detail: string) => problemOf(DomainError.conflict(code, detail)),
  preconditionRequired: (detail: string) =>
    new Problem(428, 'precondition-required', 'Precondition required', detail),
};

/**
 * A caller-supplied value safe to quote in an answer: at most `max` characters, anything outside
 * printable ASCII (and quotes, backslashes) escaped, and the length said when it was cut.
 */
export function quotePrefix(value: string, max = 16): string {
  const chars = [...value];
  const shown = chars
    .slice(0, max)
    .map((c) =>
      /^[\x21-\x7e]$/.test(c) && c !== '"' && c !== '\\' ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`,
    )
    .join('');
  return chars.length > max ? `"${shown}…" (${chars.length} characters)` : `"${shown}"`;
}

/** The request path as `instance`, unless it is too long or odd to echo (a garbage id, say). */
function safeInstance(path: string | undefined): string | undefined {
  return path && path.length <= 200 && /^[\x21-\x7e]+$/.test(path) ? path : undefined;
}

export function renderProblem(problem: Problem, instance?: string): APIGatewayProxyStructuredResultV2 {
  instance = safeInstance(instance);
  const body: Record<string, unknown> = {
    type: `/problems/${problem.slug}`,
    title: problem.title,
    status: problem.status,
  };
  if (problem.detail) body.detail = problem.detail;
  if (instance) body.instance = instance;
  if (problem.errors?.length) body.errors = problem.errors;
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
    body: JSON.stringify(body),
  };
}

export function internalError(requestId: string): APIGatewayProxyStructuredResultV2 {
  return renderProblem(
    new Problem(
      500,
      'internal',
      'Internal error',
      `Something went wrong on our side (request ${requestId}).`,
    ),
  );
}
