/**
 * When a failed call is tried again, as the SDK's standard retry mode decides: throttling and transient
 * failures (5xx gateways, dropped or refused connections) are; a conditional failure, a validation error or
 * any other 4xx never is.
 */

/** Attempts per call, the first included. */
export const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 20_000;

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const TRANSIENT_TYPES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as { code?: unknown; $metadata?: { httpStatusCode?: number } };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (error.message === 'socket hang up') return true;
  if (THROTTLING.has(error.name) || TRANSIENT_TYPES.has(error.name)) return true;
  const status = $metadata?.httpStatusCode;
  return status === 429 || (status !== undefined && TRANSIENT_STATUS.has(status));
}

/** The wait before retry number `retry` (1, 2...): exponential with full jitter, capped. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  return Math.floor(Math.min(MAX_DELAY_MS, random() * 2 ** retry * BASE_DELAY_MS));
}
