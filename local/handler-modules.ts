import { basename } from 'node:path';
import type { Context } from 'aws-lambda';

const REPOSITORY_ROOT = new URL('../', import.meta.url);

/** Each handler module's import, made once: a warm Lambda does not run its init phase again. */
const loaded = new Map<string, Promise<unknown>>();

/**
 * Loads a handler module named in the app manifest (`functions/...ts`, relative to the repository root),
 * as Lambda's init phase does with the bundle infra/ builds from the same file. The import is kept:
 * under the TypeScript loader even an import of a loaded module is a round trip to the loader's thread.
 */
export function loadHandlerModule<T>(handlerFile: string): Promise<T> {
  let module = loaded.get(handlerFile);
  if (!module) {
    module = import(new URL(handlerFile, REPOSITORY_ROOT).href);
    loaded.set(handlerFile, module);
    // A failed init is tried again by the next invocation, as Lambda does.
    module.catch(() => loaded.delete(handlerFile));
  }
  return module as Promise<T>;
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
