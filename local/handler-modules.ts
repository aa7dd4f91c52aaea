import { basename } from 'node:path';
import type { Context } from 'aws-lambda';

const REPOSITORY_ROOT = new URL('../', import.meta.url);

/**
 * Loads a handler module named in the app manifest (`functions/...ts`, relative to the repository root),
 * as Lambda's init phase does with the bundle infra/ builds from the same file.
 */
export function loadHandlerModule<T>(handlerFile: string): Promise<T> {
  return import(new URL(handlerFile, REPOSITORY_ROOT).href) as Promise<T>;
}

/** The function name the local stack reports for a handler file: its base name (`create-ticket`). */
export const functionNameOf = (handlerFile: string) => basename(handlerFile, '.ts');

/** A Lambda context as the runtime gives one, with the time left counted from now. */
export function lambdaContext(
  functionName: string,
  options: { requestId?: string; timeoutMs: number; functionArn?: string },
): Context {
  const deadline = Date.now() + options.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn:
      options.functionArn ?? `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: options.requestId ?? crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
