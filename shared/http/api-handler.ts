import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Principal } from '../auth/principal.ts';
import type { TokenVerifier } from '../auth/verify-token.ts';
import { DomainError } from '../errors/domain-error.ts';
import { logger, withLogContext } from '../observability/logger.ts';
import { internalError, Problem, problemOf, renderProblem } from './problem.ts';

export interface ApiCall {
  event: APIGatewayProxyEventV2;
  principal: Principal;
  requestId: string;
}

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/**
 * Renders every thrown Problem, and every DomainError through its problem type, as problem+json;
 * anything else is a 500 that leaks nothing.
 */
export function problemResponses(): MiddlewareObj<Event, Result> {
  return {
    name: 'problem-responses',
    onError: async (request) => {
      const error = request.error;
      const instance = request.event.requestContext?.http?.path;
      if (error instanceof Problem || error instanceof DomainError) {
        request.response = renderProblem(error instanceof DomainError ? problemOf(error) : error, instance);
        return;
      }
      const requestId = request.event.requestContext?.requestId ?? 'unknown';
      logger.error('unhandled error', {
        requestId,
        routeKey: request.event.routeKey,
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      });
      request.response = internalError(requestId);
    },
  };
}

/** Correlation ids on every line logged while a route runs (domain code included). */
export function routeLogContext(event: Event): Record<string, unknown> {
  return { requestId: event.requestContext?.requestId, routeKey: event.routeKey };
}

/**
 * Wraps a route: authenticates the bearer token, runs the route, renders errors. Every API route
 * goes through here, so no route can forget authentication.
 */
export function apiRoute(verifyToken: () => TokenVerifier, route: (call: ApiCall) => Promise<Result>) {
  return middy<Event, Result, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(problemResponses())
    .handler(async (event) =>
      withLogContext(routeLogContext(event), async () => {
        const principal = await verifyToken()(event.headers?.authorization);
        return route({ event, principal, requestId: event.requestContext.requestId });
      }),
    );
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Result {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
