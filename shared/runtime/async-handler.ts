import type { Context } from 'aws-lambda';
import type * as z from '#shared/validation/zod.ts';
import { type Logger, logger, withLogContext } from '../observability/logger.ts';

/** What an async function gets besides its parsed event. */
export interface AsyncCall {
  /** The redacting logger, carrying the invocation's correlation ids. */
  log: Logger;
  /** Lambda's context (remaining time); absent when a test calls the handler directly. */
  context: Context | undefined;
}

/** Event fields that identify what an invocation works on; whichever the event carries is logged. */
const CORRELATION_KEYS = ['ticketId', 'desk', 'executionName', 'kind', 'id', 'runId', 'owner'] as const;

function correlationOf(input: unknown): Record<string, unknown> {
  if (!input || typeof input !== 'object') return {};
  const fields: Record<string, unknown> = {};
  for (const key of CORRELATION_KEYS) {
    const value = (input as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return fields;
}

/**
 * Wraps a function that is not an HTTP route (a state-machine task, a schedule, an SNS or Cognito
 * trigger), as `apiRoute` wraps routes: parses the event with its schema, runs `fn` with a logger
 * that carries the correlation ids, and logs a failure once before rethrowing it. A bad event is
 * thrown too, so Lambda's retries, the state machine's Catch and the dead-letter queue still apply.
 */
export function asyncHandler<S extends z.ZodMiniType, R>(
  name: string,
  schema: S,
  fn: (input: z.infer<S>, call: AsyncCall) => Promise<R>,
) {
  return async (event: unknown, context?: Context): Promise<R> =>
    withLogContext(
      { function: name, ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}) },
      async () => {
        const parsed = schema.safeParse(event ?? {});
        if (!parsed.success) {
          // Paths and messages only: the event itself may hold personal data.
          logger.error('invalid event', {
            issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          });
          throw parsed.error;
        }
        return withLogContext(correlationOf(parsed.data), async () => {
          try {
            return await fn(parsed.data, { log: logger, context });
          } catch (error) {
            logger.error('function failed', { error: errorFields(error) });
            throw error;
          }
        });
      },
    );
}

function errorFields(error: unknown) {
  return error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
}
