import type { Context } from 'aws-lambda';
import { ASYNC_FUNCTIONS, asyncFunction } from '#functions/manifest/async-functions.ts';
import { functionNameOf, lambdaContext, loadHandlerModule } from './handler-modules.ts';
import type { LocalLambda } from './stepfunctions/engine.ts';
import type { UsageMeter } from './usage-meter.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
export const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** The local name of a manifest function: `tierdesk-<handler base name>`, e.g. `tierdesk-check-ticket-sla`. */
export const localFunctionName = (functionId: string) =>
  `tierdesk-${functionNameOf(asyncFunction(functionId).handler)}`;

/** The local ARN of a manifest function (what state machine placeholders and schedules point at). */
export const localFunctionArn = (functionId: string) => functionArn(localFunctionName(functionId));

/** Function name → how many of its next invocations fail (fault injection for tests). */
export type LambdaFaults = Map<string, number>;

/** Every non-HTTP function of the app manifest; invoked like Lambda does, across a JSON boundary. */
export function localLambdas(faults: LambdaFaults = new Map(), meter?: UsageMeter): LocalLambda[] {
  return ASYNC_FUNCTIONS.map((entry) => {
    const name = localFunctionName(entry.id);
    return {
      arn: functionArn(name),
      async invoke(event: unknown) {
        const remaining = faults.get(name) ?? 0;
        if (remaining > 0) {
          faults.set(name, remaining - 1);
          throw Object.assign(new Error(`Injected failure of ${name}`), { name: 'InjectedFault' });
        }
        const { handler } = await loadHandlerModule<{ handler: Handler }>(entry.handler);
        const started = performance.now();
        const context = lambdaContext(name, {
          timeoutMs: (entry.timeoutSeconds ?? 10) * 1000,
          functionArn: functionArn(name),
        });
        const result = await handler(JSON.parse(JSON.stringify(event ?? null)), context);
        meter?.add(`lambda:${name}`, performance.now() - started);
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      },
    };
  });
}

/**
 * Loads every function module once, as Lambda's init phase would. Loading them lazily while other
 * invocations are importing the same shared modules can stall the test runner's module loader.
 */
export async function loadLocalLambdas(): Promise<void> {
  for (const entry of ASYNC_FUNCTIONS) await loadHandlerModule(entry.handler);
}

export function invokeLocal(lambdas: LocalLambda[], functionId: string, event: unknown = {}) {
  const arn = localFunctionArn(functionId);
  const lambda = lambdas.find((l) => l.arn === arn);
  if (!lambda) throw new Error(`No local function ${functionId}`);
  return lambda.invoke(event);
}
