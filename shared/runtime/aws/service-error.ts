/**
 * Errors as the AWS SDK shapes them, because the stores branch on them: `name` is the error type
 * (`ConditionalCheckFailedException`), `message` the service's, `$metadata.httpStatusCode` the status,
 * and the body's other fields (`Item`, `CancellationReasons`...) ride along as properties.
 */

export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
}

export interface AwsServiceError extends Error {
  $fault: 'client' | 'server';
  $metadata: ResponseMetadata;
  [field: string]: unknown;
}

/**
 * The error type of a JSON-protocol response, as the SDK reads it: the `x-amzn-errortype` header, else
 * the body's `code` or `__type`; a namespace before `#` and a URL after `:` dropped.
 */
export function errorTypeOf(header: string | undefined, body: Record<string, unknown>): string | undefined {
  const raw = [header, body.code, body.__type].find((v): v is string => typeof v === 'string' && v !== '');
  if (!raw) return undefined;
  const beforeColon = raw.split(':')[0] ?? raw;
  return beforeColon.split('#').at(-1);
}

export function serviceError(
  status: number,
  type: string | undefined,
  body: Record<string, unknown>,
  metadata: ResponseMetadata,
): AwsServiceError {
  const { __type: _type, code: _code, message, Message, ...fields } = body;
  const text = typeof message === 'string' ? message : typeof Message === 'string' ? Message : undefined;
  const name = type ?? (status >= 500 ? 'UnknownError' : `Http${status}Error`);
  const error = new Error(text ?? name) as AwsServiceError;
  Object.assign(error, fields);
  error.name = name;
  error.$fault = status >= 500 ? 'server' : 'client';
  error.$metadata = metadata;
  return error;
}

/** The error is the service's error of type `name` (what the SDK's `instanceof <Name>` tests). */
export const isServiceError = (error: unknown, name: string): error is AwsServiceError =>
  error instanceof Error && error.name === name;
