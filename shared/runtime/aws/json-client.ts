/**
 * The AWS JSON protocols (`awsJson1_0`: DynamoDB, Step Functions; `awsJson1_1`: Secrets Manager,
 * Cognito) over node:http(s): every call is a signed POST to `/` naming its operation in `x-amz-target`.
 * This is all of the SDK these services need at run time (docs/decisions.md, "A lean AWS client").
 */
import http from 'node:http';
import https from 'node:https';
import { environmentCredentials } from './environment.ts';
import { backoffMs, isRetryable, MAX_ATTEMPTS } from './retry-policy.ts';
import { errorTypeOf, type ResponseMetadata, serviceError } from './service-error.ts';
import { type AwsCredentials, signRequest } from './signature-v4.ts';

/** One service's wire identity. */
export interface JsonService {
  /** The host's first label: `https://<endpointPrefix>.<region>.amazonaws.com`. */
  endpointPrefix: string;
  /** The SigV4 service name. */
  signingName: string;
  /** `x-amz-target` is `<targetPrefix>.<Operation>`. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  /** The SDK's endpoint variable suffix: `AWS_ENDPOINT_URL_<endpointEnv>` overrides the endpoint. */
  endpointEnv: string;
}

/** Where and as whom; whatever is left out comes from the environment, read per call. */
export interface JsonClientConfig {
  region?: string | undefined;
  credentials?: AwsCredentials | undefined;
  /**
   * A stand-in's URL (the local stack) instead of the service's regional endpoint; else, as the SDK
   * reads them, `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`.
   */
  endpoint?: string | undefined;
}

export interface JsonClient {
  /** The operation's parsed response; a service error is thrown as `AwsServiceError`. */
  call<O>(operation: string, input: unknown): Promise<O & { $metadata: ResponseMetadata }>;
  /** Closes the keep-alive sockets. */
  destroy(): void;
}

/** The Lambda invocation's trace, passed on as the SDK's recursion-detection middleware does. */
function traceHeader(): Record<string, string> {
  const traceId = process.env._X_AMZN_TRACE_ID;
  return process.env.AWS_LAMBDA_FUNCTION_NAME && traceId ? { 'x-amzn-trace-id': traceId } : {};
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function jsonClient(service: JsonService, config: JsonClientConfig): JsonClient {
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
  const contentType = `application/x-amz-json-${service.jsonVersion}`;

  function send(target: string, body: string): Promise<RawResponse> {
    const at = endpoint();
    const headers = signRequest(
      {
        method: 'POST',
        path: '/',
        headers: {
          host: at.host,
          'content-type': contentType,
          'content-length': String(Buffer.byteLength(body)),
          'x-amz-target': target,
        },
        body,
      },
      {
        service: service.signingName,
        region: region(),
        credentials: config.credentials ?? environmentCredentials(),
        date: new Date(),
      },
    );
    const transport = at.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        {
          protocol: at.protocol,
          hostname: at.hostname,
          port: at.port || undefined,
          path: '/',
          method: 'POST',
          headers: { ...headers, ...traceHeader() },
          agent: agentFor(at),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  async function attempt<O>(target: string, body: string, attempts: number) {
    const response = await send(target, body);
    const requestId = response.headers['x-amzn-requestid'];
    const metadata: ResponseMetadata = {
      httpStatusCode: response.status,
      ...(typeof requestId === 'string' ? { requestId } : {}),
      attempts,
    };
    let parsed: Record<string, unknown> = {};
    try {
      parsed = response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {};
    } catch {
      if (response.status < 300) throw serviceError(response.status, 'DeserializationError', {}, metadata);
    }
    if (response.status >= 300) {
      const header = response.headers['x-amzn-errortype'];
      throw serviceError(
        response.status,
        errorTypeOf(typeof header === 'string' ? header : undefined, parsed),
        parsed,
        metadata,
      );
    }
    return { ...(parsed as O), $metadata: metadata };
  }

  return {
    async call<O>(operation: string, input: unknown) {
      const target = `${service.targetPrefix}.${operation}`;
      const body = JSON.stringify(input ?? {});
      for (let attempts = 1; ; attempts++) {
        try {
          return await attempt<O>(target, body, attempts);
        } catch (error) {
          if (attempts >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
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
