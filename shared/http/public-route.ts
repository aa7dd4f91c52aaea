import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { withLogContext } from '../observability/logger.ts';
import { problemResponses, routeLogContext } from './api-handler.ts';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/**
 * How a route without a token is protected. Every public route states it, and the app manifest
 * (functions/manifest/api-routes.ts) names the same kind, so "every route has auth" stays a checked rule
 * with named exceptions.
 */
export type PublicAccess =
  /** Anyone may read it (the status feeds). */
  | 'public-read'
  /** The link carries an HMAC signature checked before anything is read (the closure survey). */
  | 'signed-link';

/**
 * Wraps a route that takes no bearer token: same problem+json rendering as `apiRoute`, no
 * authentication. The route itself enforces `access` (a signature check for signed links).
 */
export function publicRoute(_access: PublicAccess, route: (event: Event) => Promise<Result>) {
  return middy<Event, Result, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(problemResponses())
    .handler(async (event) => withLogContext(routeLogContext(event), () => route(event)));
}

/** Headers every public page and feed carries. */
export const PUBLIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

export function html(
  statusCode: number,
  body: string,
  csp: string,
  headers: Record<string, string> = {},
): Result {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      ...PUBLIC_SECURITY_HEADERS,
      ...headers,
    },
    body,
  };
}
