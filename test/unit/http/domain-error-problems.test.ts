import { describe, expect, it } from 'vitest';
import { DomainError } from '#shared/errors/domain-error.ts';
import { problemOf, renderProblem } from '#shared/http/problem.ts';

const rendered = (error: DomainError) => {
  const response = renderProblem(problemOf(error), '/tickets/X');
  return { headers: response.headers, body: JSON.parse(response.body as string) };
};

describe('domain errors as problem+json', () => {
  const field = [{ pointer: '/plan', detail: 'plan downgrade', change: 'plan', requiredRole: 'lead' }];
  it.each([
    [
      DomainError.validation(field),
      400,
      'validation',
      'Invalid request',
      'The request has invalid fields; see `errors`.',
    ],
    [
      DomainError.validation(field, 'The inline pack is not valid.'),
      400,
      'validation',
      'Invalid request',
      'The inline pack is not valid.',
    ],
    [
      DomainError.unauthenticated('The token has expired.'),
      401,
      'unauthenticated',
      'Authentication required',
      'The token has expired.',
    ],
    [DomainError.forbidden('No.'), 403, 'forbidden', 'Not allowed', 'No.'],
    [
      DomainError.banned(),
      403,
      'requester-banned',
      'Support unavailable',
      'This address may no longer open support requests with this desk. If you believe this is a mistake, contact the company through its other channels.',
    ],
    [
      DomainError.authorityRequired(field),
      403,
      'authority-required',
      'Needs more authority',
      "This change loosens what the desk's policy promises: plan downgrade.",
    ],
    [
      DomainError.notFound('Ticket X'),
      404,
      'not-found',
      'Not found',
      'Ticket X does not exist or is not yours.',
    ],
    [
      DomainError.conflict('ticket-closed', 'This ticket is closed.'),
      409,
      'ticket-closed',
      'Conflict',
      'This ticket is closed.',
    ],
    [DomainError.preconditionFailed('Stale.'), 412, 'precondition-failed', 'Precondition failed', 'Stale.'],
    [
      DomainError.unprocessable(field),
      422,
      'unprocessable',
      'Unprocessable request',
      'Some fields refer to something not allowed here; see `errors`.',
    ],
    [
      DomainError.idempotencyKeyReused(),
      422,
      'idempotency-key-reused',
      'Idempotency key reused',
      'This Idempotency-Key was already used with a different request body.',
    ],
  ])('%o → %i %s', (error, status, slug, title, detail) => {
    const { body } = rendered(error);
    expect(body).toMatchObject({ type: `/problems/${slug}`, title, status, detail, instance: '/tickets/X' });
    expect(body.errors).toEqual(error.errors);
  });

  it('an unauthenticated answer names the bearer scheme', () => {
    expect(rendered(DomainError.unauthenticated('x')).headers).toMatchObject({
      'content-type': 'application/problem+json',
      'www-authenticate': 'Bearer realm="tierdesk"',
    });
  });
});
