/**
 * The AWS JSON protocols (`awsJson1_0`: DynamoDB, Step Functions; `awsJson1_1`: Secrets Manager,
 * Cognito) over node:http(s): every call is a signed POST to `/` naming its operation in `x-amz-target`.
 * This is all of the SDK these services need at run time (docs/decisions.md, "A lean AWS client").
 */
import { type AwsEndpoint, type AwsHttpConfig, awsHttpClient, type HttpResponse } from './http-client.ts';
import { errorTypeOf, type ResponseMetadata, serviceError } from './service-error.ts';

/** One service's wire identity. */
export interface JsonService extends AwsEndpoint {
  /** `x-amz-target` is `<targetPrefix>.<Operation>`. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
}

export type JsonClientConfig = AwsHttpConfig;

export interface JsonClient {
  /** The operation's parsed response; a service error is thrown as `AwsServiceError`. */
  call<O>(operation: string, input: unknown): Promise<O & { $metadata: ResponseMetadata }>;
  /** Closes the keep-alive sockets. */
  destroy(): void;
}

/** A JSON body as a record: an empty one as `{}`, an unreadable one as `undefined`. */
export function jsonBody(response: HttpResponse): Record<string, unknown> | undefined {
  if (response.body.length === 0) return {};
  try {
    return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A JSON-protocol error (the REST-JSON ones too): its type from `x-amzn-errortype` or the body. */
export function jsonError(response: HttpResponse) {
  const parsed = jsonBody(response) ?? {};
  const header = response.headers['x-amzn-errortype'];
  return serviceError(
    response.status,
    errorTypeOf(typeof header === 'string' ? header : undefined, parsed),
    parsed,
    response.metadata,
  );
}

export function jsonClient(service: JsonService, config: JsonClientConfig): JsonClient {
  const client = awsHttpClient(service, config, { parseError: jsonError, escapePath: true });
  const contentType = `application/x-amz-json-${service.jsonVersion}`;
  return {
    async call<O>(operation: string, input: unknown) {
      const response = await client.send({
        method: 'POST',
        path: '/',
        headers: { 'content-type': contentType, 'x-amz-target': `${service.targetPrefix}.${operation}` },
        body: JSON.stringify(input ?? {}),
      });
      const parsed = jsonBody(response);
      if (!parsed) throw serviceError(response.status, 'DeserializationError', {}, response.metadata);
      return { ...(parsed as O), $metadata: response.metadata };
    },
    destroy: client.destroy,
  };
}
