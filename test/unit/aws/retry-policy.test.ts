import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryable } from '#shared/runtime/aws/retry-policy.ts';
import { serviceError } from '#shared/runtime/aws/service-error.ts';

const failure = (status: number, type: string) => serviceError(status, type, {}, { httpStatusCode: status });
const network = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('retry policy', () => {
  it('retries throttling, 5xx gateways and dropped connections', () => {
    for (const type of [
      'ThrottlingException',
      'ProvisionedThroughputExceededException',
      'RequestLimitExceeded',
      'TooManyRequestsException',
      'LimitExceededException',
    ])
      expect(isRetryable(failure(400, type)), type).toBe(true);
    for (const status of [500, 502, 503, 504, 429])
      expect(isRetryable(failure(status, 'X')), String(status)).toBe(true);
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'])
      expect(isRetryable(network(code))).toBe(true);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
  });

  it('never retries a conditional failure, a validation error or another 4xx', () => {
    for (const type of [
      'ConditionalCheckFailedException',
      'ValidationException',
      'TransactionCanceledException',
      'ResourceNotFoundException',
      'ExecutionAlreadyExists',
    ])
      expect(isRetryable(failure(400, type)), type).toBe(false);
    expect(isRetryable(failure(501, 'NotImplemented'))).toBe(false);
    expect(isRetryable('not an error')).toBe(false);
  });

  it('backs off exponentially with full jitter from 100 ms, capped at 20 s', () => {
    expect(backoffMs(1, () => 0)).toBe(0);
    expect(backoffMs(1, () => 0.999_999)).toBe(199);
    expect(backoffMs(2, () => 0.5)).toBe(200);
    expect(backoffMs(20, () => 0.999_999)).toBe(20_000);
  });
});
