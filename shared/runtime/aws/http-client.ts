/**
 * One signed AWS request over node:http(s), tried again as the SDK's standard retry mode would: the
 * transport under every lean client (the JSON protocols, S3, SES, Scheduler). Each protocol builds its
 * request and reads its response and errors; region, endpoint, credentials, sockets and retries are here.
 */
import http from 'node:http';
import https from 'node:https';
import { environmentCredentials } from './environment.ts';
import { backoffMs, isRetryable, MAX_ATTEMPTS } from './retry-policy.ts';
import type { AwsServiceError, ResponseMetadata } from './service-error.ts';
import { type AwsCredentials, canonicalQuery, signRequest } from './signature-v4.ts';

/** Where a service lives and how it signs. */
export interface AwsEndpoint {
  /** The host's first label: `https://<endpointPrefix>.<region>.amazonaws.com`. */
  endpointPrefix: string;
  /** The SigV4 service name. */
  signingName: string;
  /** The SDK's endpoint variable suffix: `AWS_ENDPOINT_URL_<endpointEnv>` overrides the endpoint. */
  endpointEnv: string;
}

/** Where and as whom; whatever is left out comes from the environment, read per call. */
export interface AwsHttpConfig {
  region?: string | undefined;
  credentials?: AwsCredentials | undefined;
  /**
   * A stand-in's URL (the local stack) instead of the service's regional endpoint; else, as the SDK
   * reads them, `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`.
   */
  endpoint?: string | undefined;
  /**
   * A deadline per attempt, in ms: an attempt not answered by then fails as `TimeoutError` (retried like
   * the SDK's). None by default, as in the SDK; a caller inside a short budget (a Cognito trigger) sets one.
   */
  timeoutMs?: number | undefined;
  /** Attempts per call, the first included (the SDK's standard mode: 3). */
  maxAttempts?: number | undefined;
}

export interface HttpRequest {
  method: string;
  /** URI-encoded, from the endpoint's root. */
  path: string;
  query?: Record<string, string> | undefined;
  /** Lower-case names; `host`, the date and the signature are added. */
  headers?: Record<string, string> | undefined;
  body?: string | Uint8Array | undefined;
  /** A label put before the endpoint's host (S3's virtual-hosted bucket). */
  hostPrefix?: string | undefined;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  metadata: ResponseMetadata;
}

export interface AwsHttpClient {
  /** The region requests are signed for (configured, else AWS_REGION). */
  region(): string;
  /** The endpoint requests go to. */
  endpoint(): URL;
  /**
   * The response to `request`, a 2xx; any other status is thrown as the error `parseError` makes of it,
   * after the retries the SDK would make.
   */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Closes the keep-alive sockets. */
  destroy(): void;
}

export interface AwsHttpProtocol {
  /** The error a non-2xx response carries, shaped as the SDK shapes it. */
  parseError(response: HttpResponse): AwsServiceError;
  /** Every service but S3 signs its path URI-encoded once more. */
  escapePath: boolean;
}

/** The Lambda invocation's trace, passed on as the SDK's recursion-detection middleware does. */
function traceHeader(): Record<string, string> {
  const traceId = process.env._X_AMZN_TRACE_ID;
  return process.env.AWS_LAMBDA_FUNCTION_NAME && traceId ? { 'x-amzn-trace-id': traceId } : {};
}

export function awsHttpClient(
  service: AwsEndpoint,
  config: AwsHttpConfig,
  protocol: AwsHttpProtocol,
): AwsHttpClient {
  const region = () => {
    const found = config.region ?? process.env.AWS_REGION;
    if (!found) throw new Error('No AWS region: none configured and AWS_REGION is not set');
    return found;
  };
  let url: URL | undefined;
  const endpoint = () => {
    url ??= new URL(
      config.endpoint ??
        process.env[`AWS_ENDPOINT_URL_${service.endpointEnv}`] ??
        process.env.AWS_ENDPOINT_URL ??
        `https://${service.endpointPrefix}.${region()}.amazonaws.com`,
    );
    return url;
  };
  // Keep-alive sockets, as the SDK's Node handler keeps them: a warm function reuses its TLS session.
  // Made on the first call, like the endpoint, so a client that is never called needs no region.
  let agent: http.Agent | undefined;
  const agentFor = (at: URL) => {
    agent ??= new (at.protocol === 'http:' ? http.Agent : https.Agent)({ keepAlive: true, maxSockets: 50 });
    return agent;
  };

  function once(request: HttpRequest, attempts: number): Promise<HttpResponse> {
    const at = endpoint();
    const host = request.hostPrefix ? `${request.hostPrefix}.${at.host}` : at.host;
    const body = request.body ?? '';
    const basePath = at.pathname.replace(/\/$/, '');
    const path = `${basePath}${request.path}`;
    const headers = signRequest(
      {
        method: request.method,
        path,
        query: request.query,
        headers: {
          ...request.headers,
          host,
          ...(body.length > 0 || request.method === 'POST' || request.method === 'PUT'
            ? { 'content-length': String(Buffer.byteLength(body)) }
            : {}),
        },
        body,
        escapePath: protocol.escapePath,
      },
      {
        service: service.signingName,
        region: region(),
        credentials: config.credentials ?? environmentCredentials(),
        date: new Date(),
      },
    );
    const query = canonicalQuery(request.query);
    const transport = at.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      const settle = () => clearTimeout(deadline);
      const sent = transport.request(
        {
          protocol: at.protocol,
          hostname: request.hostPrefix ? `${request.hostPrefix}.${at.hostname}` : at.hostname,
          port: at.port || undefined,
          path: query ? `${path}?${query}` : path,
          method: request.method,
          headers: { ...headers, ...traceHeader() },
          agent: agentFor(at),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            settle();
            const requestId = response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id'];
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
              metadata: {
                httpStatusCode: response.statusCode ?? 0,
                ...(typeof requestId === 'string' ? { requestId } : {}),
                attempts,
              },
            });
          });
        },
      );
      sent.on('error', (error) => {
        settle();
        reject(error);
      });
      if (config.timeoutMs !== undefined) {
        const ms = config.timeoutMs;
        deadline = setTimeout(() => {
          const timeout = new Error(`No answer within ${ms} ms`);
          timeout.name = 'TimeoutError';
          sent.destroy(timeout);
        }, ms);
      }
      sent.end(body);
    });
  }

  return {
    region,
    endpoint,
    async send(request) {
      for (let attempts = 1; ; attempts++) {
        try {
          const response = await once(request, attempts);
          if (response.status >= 300) throw protocol.parseError(response);
          return response;
        } catch (error) {
          if (attempts >= (config.maxAttempts ?? MAX_ATTEMPTS) || !isRetryable(error)) throw error;
          await new Promise((wake) => setTimeout(wake, backoffMs(attempts)));
        }
      }
    },
    destroy() {
      agent?.destroy();
      agent = undefined;
    },
  };
}
