import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ApiRouteEntry } from '#functions/manifest/api-routes.ts';
import { Problem, renderProblem } from '#shared/http/problem.ts';
import { firstInvalidUtf8Offset } from '#shared/http/utf8.ts';
import { functionNameOf, lambdaContext, loadHandlerModule } from './handler-modules.ts';

/** A Lambda handler for HTTP API payload format 2.0, as functions/ export them. */
export type HttpLambda = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway's own payload limit. Handlers enforce their smaller ones. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

function compile(route: ApiRouteEntry) {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, regex: new RegExp(`^${pattern}$`), names };
}

/**
 * Plays API Gateway (HTTP API) for the local stack: matches the route, builds a real payload 2.0
 * event, invokes the same handler module Lambda runs, and writes its result back.
 */
export function apiGateway(routes: readonly ApiRouteEntry[]) {
  const compiled = routes.map(compile);

  return async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    const allowed: string[] = [];
    for (const { route, regex, names } of compiled) {
      const m = regex.exec(url.pathname);
      if (!m) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      if (body.length > MAX_PAYLOAD_BYTES) {
        res
          .writeHead(413, { 'content-type': 'application/json' })
          .end('{"message":"Request Entity Too Large"}');
        return true;
      }
      const pathParameters = Object.fromEntries(names.map((n, i) => [n, decodePathSegment(m[i + 1] ?? '')]));
      const event = toEvent(req, url, body, route, pathParameters);
      const module = loadHandlerModule<{ handler: HttpLambda }>(route.handler);
      // API Gateway gives up after 29 s.
      const context = lambdaContext(functionNameOf(route.handler), {
        requestId: event.requestContext.requestId,
        timeoutMs: 29_000,
      });
      const result = await (await module).handler(event, context);
      writeResult(res, result, event.requestContext.requestId);
      return true;
    }
    if (allowed.length) {
      // API Gateway (HTTP API) itself answers 404 here; the local 405 says which methods the path has.
      const allow = [...new Set(allowed)].join(', ');
      const result = renderProblem(
        new Problem(
          405,
          'method-not-allowed',
          'Method not allowed',
          `${url.pathname} allows ${allow}.`,
          undefined,
          {
            allow,
          },
        ),
        url.pathname,
      );
      res.writeHead(405, result.headers as Record<string, string>);
      res.end(result.body);
      return true;
    }
    return false;
  };
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: ApiRouteEntry,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const textual = /^(text\/|application\/([a-z.+-]*\+)?(json|xml|x-www-form-urlencoded))/i.test(contentType);
  const now = new Date();
  const routeKey = `${route.method} ${route.path}`;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (Object.keys(query).length) event.queryStringParameters = query;
  if (Object.keys(pathParameters).length) event.pathParameters = pathParameters;
  if (body.length) {
    // A string cannot carry bytes that are not UTF-8: such a body goes base64, so the handler sees the
    // bytes as sent (and refuses them) instead of U+FFFD replacements.
    const asText = textual && firstInvalidUtf8Offset(body) === -1;
    event.body = asText ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !asText;
  }
  return event;
}

function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2, requestId: string) {
  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/** A percent-encoded segment decoded; one that does not decode (e.g. `%ff`) is passed as sent, for the handler to refuse. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
