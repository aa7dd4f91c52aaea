import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';

/** One invalid field, addressed by a JSON Pointer into the request (RFC 6901). */
export interface FieldError {
  pointer: string;
  detail: string;
  /** For a refused loosening: the change and the least role that may make it. */
  change?: string;
  requiredRole?: string;
}

/**
 * An RFC 9457 problem. Handlers and domain code throw it; the error middleware renders it.
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

/** The problem+json body `renderProblem` writes (RFC 9457), as the API contract states it. */
export const ProblemDocument = z.strictObject({
  type: z.string().describe('`/problems/<slug>`, e.g. `/problems/validation`'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z
    .array(
      z.strictObject({
        pointer: z
          .string()
          .describe('JSON Pointer into the body, or `query:<name>`, `path:<name>`, `header:<name>`'),
        detail: z.string(),
        change: z.string().optional(),
        requiredRole: z.string().optional(),
      }),
    )
    .optional(),
});

export const problems = {
  validation: (errors: FieldError[], detail = 'The request has invalid fields; see `errors`.') =>
    new Problem(400, 'validation', 'Invalid request', detail, errors),
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
  unauthenticated: (detail: string) =>
    new Problem(401, 'unauthenticated', 'Authentication required', detail, undefined, {
      'www-authenticate': 'Bearer realm="tierdesk"',
    }),
  forbidden: (detail: string) => new Problem(403, 'forbidden', 'Not allowed', detail),
  /** A staff change that loosens a promise, beyond the caller's authority under the desk's policy. */
  authorityRequired: (errors: FieldError[]) =>
    new Problem(
      403,
      'authority-required',
      'Needs more authority',
      `This change loosens what the desk's policy promises: ${errors.map((e) => e.detail).join('; ')}.`,
      errors,
    ),
  /** Well-formed, but naming something that does not exist or is not allowed here (422). */
  unprocessable: (
    errors: FieldError[],
    detail = 'Some fields refer to something not allowed here; see `errors`.',
  ) => new Problem(422, 'unprocessable', 'Unprocessable request', detail, errors),
  notFound: (what: string) =>
    new Problem(404, 'not-found', 'Not found', `${what} does not exist or is not yours.`),
  conflict: (slug: string, detail: string) => new Problem(409, slug, 'Conflict', detail),
  preconditionFailed: (detail: string) =>
    new Problem(412, 'precondition-failed', 'Precondition failed', detail),
  preconditionRequired: (detail: string) =>
    new Problem(428, 'precondition-required', 'Precondition required', detail),
  idempotencyKeyReused: () =>
    new Problem(
      422,
      'idempotency-key-reused',
      'Idempotency key reused',
      'This Idempotency-Key was already used with a different request body.',
    ),
};

/** JSON Pointer of a zod issue path, prefixed with where the value came from (body, query, header). */
export function pointerOf(path: ReadonlyArray<PropertyKey>, root = ''): string {
  return (
    `${root}/${path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`.replace(
      /\/$/,
      '',
    ) || '/'
  );
}

export function fieldErrorsOf(error: z.ZodError, root = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        pointer: pointerOf([...issue.path, key], root),
        detail: 'unknown field',
      }));
    }
    return [{ pointer: pointerOf(issue.path, root), detail: issue.message }];
  });
}

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
