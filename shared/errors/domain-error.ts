import type * as z from '#shared/validation/zod.ts';

/** One invalid field, addressed by a JSON Pointer into the input (RFC 6901). */
export interface FieldError {
  pointer: string;
  detail: string;
  /** For a refused loosening: the change and the least role that may make it. */
  change?: string;
  requiredRole?: string;
}

/**
 * What went wrong, in domain terms. The HTTP adapter (shared/http/problem.ts) maps each kind to a
 * status and a problem type; nothing below it knows about HTTP.
 */
export type DomainErrorKind =
  /** Input fields are missing, malformed or out of range (`errors` point at them). */
  | 'validation'
  /** The caller's identity could not be established. */
  | 'unauthenticated'
  /** The caller's role may not do this. */
  | 'forbidden'
  /** The requester is on the desk's ban list. */
  | 'banned'
  /** A change loosens a promise beyond the caller's authority (`errors` name the change and role). */
  | 'authority-required'
  /** No such thing, or not the caller's: the two are indistinguishable on purpose. */
  | 'not-found'
  /** The state does not allow it (a closed ticket, a decided appeal); `code` says which conflict. */
  | 'conflict'
  /** The caller worked from an outdated version. */
  | 'precondition-failed'
  /** Well-formed, but naming something not allowed here (`errors` point at it). */
  | 'unprocessable'
  /** An idempotency key reused for a different request. */
  | 'idempotency-key-reused'
  /** Over a quota for this second (the desk's or an app client's); retry after a second. */
  | 'rate-limited';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly detail: string,
    /** For conflicts: which one (`ticket-closed`), stable for clients to branch on. */
    readonly code?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'DomainError';
  }

  static validation(errors: FieldError[], detail = 'The request has invalid fields; see `errors`.') {
    return new DomainError('validation', detail, undefined, errors);
  }
  static unauthenticated(detail: string) {
    return new DomainError('unauthenticated', detail);
  }
  static forbidden(detail: string) {
    return new DomainError('forbidden', detail);
  }
  /** The answer a banned requester gets: clear, final, and without the internal reason. */
  static banned() {
    return new DomainError(
      'banned',
      'This address may no longer open support requests with this desk. If you believe this is a mistake, contact the company through its other channels.',
    );
  }
  static authorityRequired(errors: FieldError[]) {
    return new DomainError(
      'authority-required',
      `This change loosens what the desk's policy promises: ${errors.map((e) => e.detail).join('; ')}.`,
      undefined,
      errors,
    );
  }
  static unprocessable(
    errors: FieldError[],
    detail = 'Some fields refer to something not allowed here; see `errors`.',
  ) {
    return new DomainError('unprocessable', detail, undefined, errors);
  }
  static notFound(what: string) {
    return new DomainError('not-found', `${what} does not exist or is not yours.`);
  }
  static conflict(code: string, detail: string) {
    return new DomainError('conflict', detail, code);
  }
  static preconditionFailed(detail: string) {
    return new DomainError('precondition-failed', detail);
  }
  static idempotencyKeyReused() {
    return new DomainError(
      'idempotency-key-reused',
      'This Idempotency-Key was already used with a different request body.',
    );
  }
}

/** JSON Pointer of a zod issue path, prefixed with where the value came from (body, query, header). */
export function pointerOf(path: ReadonlyArray<PropertyKey>, root = ''): string {
  return (
    `${root}/${path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`.replace(
      /\/$/,
      '',
    ) || '/'
  );
}

export function fieldErrorsOf(error: z.core.$ZodError, root = ''): FieldError[] {
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
