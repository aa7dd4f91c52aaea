import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient, PutCommand } from '#shared/runtime/aws/dynamodb.ts';
import { jsonClient } from '#shared/runtime/aws/json-client.ts';
import { isServiceError } from '#shared/runtime/aws/service-error.ts';

/** One scripted answer: a status and a JSON body, a dropped connection, or none at all. */
type Answer = { status: number; body: unknown; headers?: Record<string, string> } | 'drop' | 'hang';

/**
 * A local JSON-protocol endpoint that answers from a script, one answer per request, and records what it
 * was sent: a stand-in for a service, reached over real sockets.
 */
describe('JSON-protocol client against a scripted endpoint', () => {
  let server: http.Server;
  let script: Answer[] = [];
  const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let client: ReturnType<typeof jsonClient>;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = script.shift() ?? { status: 200, body: {} };
        if (answer === 'drop') {
          req.socket.destroy();
          return;
        }
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    client = jsonClient(
      {
        endpointPrefix: 'dynamodb',
        signingName: 'dynamodb',
        targetPrefix: 'DynamoDB_20120810',
        jsonVersion: '1.0',
        endpointEnv: 'DYNAMODB',
      },
      {
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'session' },
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      },
    );
  });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((ok) => server.close(() => ok()));
  });
  beforeEach(() => {
    script = [];
    seen.length = 0;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('posts signed JSON to / with the operation in x-amz-target', async () => {
    script = [{ status: 200, body: { Item: { pk: { S: 'a' } } } }];
    const out = await client.call<{ Item: unknown }>('GetItem', { TableName: 't' });
    expect(out.Item).toEqual({ pk: { S: 'a' } });
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(seen[0]?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(seen[0]?.headers['x-amz-security-token']).toBe('session');
    expect(seen[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/dynamodb\//,
    );
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ TableName: 't' });
  });

  it("reads the environment's credentials per call and passes Lambda's trace on, unsigned", async () => {
    const fromEnvironment = jsonClient(
      {
        endpointPrefix: 'states',
        signingName: 'states',
        targetPrefix: 'AWSStepFunctions',
        jsonVersion: '1.0',
        endpointEnv: 'SFN',
      },
      { region: 'eu-west-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    );
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFIRST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'first-token');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'tierdesk-fn');
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1');
    await fromEnvironment.call('DescribeExecution', {});
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDSECOND');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    await fromEnvironment.call('DescribeExecution', {});
    fromEnvironment.destroy();
    expect(seen[0]?.headers.authorization).toMatch(/Credential=AKIDFIRST\/\d{8}\/eu-west-1\/states\//);
    expect(seen[0]?.headers['x-amz-security-token']).toBe('first-token');
    expect(seen[0]?.headers['x-amz-target']).toBe('AWSStepFunctions.DescribeExecution');
    expect(seen[0]?.headers['x-amzn-trace-id']).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1');
    expect(seen[0]?.headers.authorization).not.toContain('x-amzn-trace-id');
    expect(seen[1]?.headers.authorization).toMatch(/Credential=AKIDSECOND\//);
    expect(seen[1]?.headers['x-amz-security-token']).toBeUndefined();
  });

  it('retries a 503 and a throttle, then returns the success', async () => {
    script = [
      { status: 503, body: { message: 'busy' } },
      {
        status: 400,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException' },
      },
      { status: 200, body: { Count: 1 } },
    ];
    const out = await client.call<{ Count: number }>('Query', {});
    expect(out.Count).toBe(1);
    expect(out.$metadata.attempts).toBe(3);
    expect(seen).toHaveLength(3);
  });

  it('retries a dropped connection', async () => {
    script = ['drop', { status: 200, body: { ok: true } }];
    expect((await client.call<{ ok: boolean }>('GetItem', {})).ok).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('fails an unanswered attempt at its deadline, and makes only the attempts it is given', async () => {
    const port = (server.address() as AddressInfo).port;
    const impatient = jsonClient(
      {
        endpointPrefix: 'dynamodb',
        signingName: 'dynamodb',
        targetPrefix: 'DynamoDB_20120810',
        jsonVersion: '1.0',
        endpointEnv: 'DYNAMODB',
      },
      {
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        endpoint: `http://127.0.0.1:${port}`,
        timeoutMs: 50,
        maxAttempts: 2,
      },
    );
    try {
      script = ['hang', 'hang', { status: 200, body: {} }];
      await expect(impatient.call('GetItem', {})).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(seen).toHaveLength(2);
    } finally {
      impatient.destroy();
      script = [];
    }
  });

  it('gives up after three attempts', async () => {
    script = [
      { status: 500, body: {} },
      { status: 502, body: {} },
      { status: 504, body: {} },
      { status: 200, body: {} },
    ];
    await expect(client.call('GetItem', {})).rejects.toMatchObject({ $metadata: { httpStatusCode: 504 } });
    expect(seen).toHaveLength(3);
  });

  it('never retries a conditional failure, and shapes it as the SDK does', async () => {
    script = [
      {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          message: 'The conditional request failed',
          Item: { pk: { S: 'a' } },
        },
      },
    ];
    const error = await client.call('PutItem', {}).catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(isServiceError(error, 'ConditionalCheckFailedException')).toBe(true);
    expect(error).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      Item: { pk: { S: 'a' } },
    });
  });

  it("the document client hands a conditional failure's item as plain values", async () => {
    const doc = dynamoDocumentClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    script = [
      {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          Item: { pk: { S: 'a' }, n: { N: '7' } },
        },
      },
    ];
    const error = await doc
      .send(
        new PutCommand({ TableName: 't', Item: { pk: 'a' }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      )
      .catch((e: unknown) => e);
    doc.destroy();
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException', Item: { pk: 'a', n: 7 } });
  });

  it('never retries a validation error; the type may come as a header', async () => {
    script = [
      {
        status: 400,
        body: { Message: 'bad input' },
        headers: { 'x-amzn-errortype': 'ValidationException:http://internal' },
      },
    ];
    await expect(client.call('PutItem', {})).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'bad input',
    });
    expect(seen).toHaveLength(1);
  });
});
