import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as CognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as S3Sdk from '@aws-sdk/client-s3';
import * as SchedulerSdk from '@aws-sdk/client-scheduler';
import * as SecretsSdk from '@aws-sdk/client-secrets-manager';
import * as SesSdk from '@aws-sdk/client-ses';
import * as SfnSdk from '@aws-sdk/client-sfn';
import * as DocSdk from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Cognito from '#shared/runtime/aws/cognito.ts';
import * as Doc from '#shared/runtime/aws/dynamodb.ts';
import type { JsonService } from '#shared/runtime/aws/json-client.ts';
import * as S3 from '#shared/runtime/aws/s3.ts';
import * as Scheduler from '#shared/runtime/aws/scheduler.ts';
import * as Secrets from '#shared/runtime/aws/secrets-manager.ts';
import * as Ses from '#shared/runtime/aws/ses.ts';
import * as Sfn from '#shared/runtime/aws/step-functions.ts';

/**
 * The lean clients put on the wire what the SDK's clients put there, for every operation tierdesk calls:
 * the same method, path, `x-amz-target`, content type and JSON body (the document layer's marshalling
 * included), sent by both to one recording endpoint. And the SDK's own endpoint resolution and signing
 * scope agree with each lean service's host and signing name, so what dynalite and the local engine
 * accept is what AWS is sent.
 */
const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };

interface Seen {
  method: string;
  url: string;
  target: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** A REST or query request as received: what S3, SES and Scheduler are compared on. */
interface RawSeen {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The headers that carry meaning (not the SDK's own telemetry), as received. */
  headers: Record<string, string>;
  /** The signed header names, the SDK's telemetry headers left out. */
  signedHeaders: string[];
  /** `<region>/<service>` of the signature's credential scope. */
  scope: string | undefined;
  /** `x-amz-content-sha256` is the SHA-256 of the body received. */
  payloadHashIsBodyHash: boolean;
  body: string;
}
const MEANINGFUL = [
  'host',
  'content-type',
  'content-length',
  'content-md5',
  'x-amz-checksum-crc32',
  'x-amz-sdk-checksum-algorithm',
  'x-amz-checksum-mode',
  'x-amz-security-token',
  'x-amz-server-side-encryption',
];
const SDK_TELEMETRY = new Set(['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent']);
/** Idempotency tokens are random per call (Scheduler's `ClientToken`): compared by shape. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g;

function rawSeen(req: http.IncomingMessage, body: Buffer): RawSeen {
  const url = new URL(req.url ?? '/', 'http://recorder');
  const authorization = req.headers.authorization ?? '';
  const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+\/[^/]+)\/aws4_request/.exec(authorization)?.[1];
  const headers: Record<string, string> = {};
  for (const name of MEANINGFUL) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: Object.fromEntries([...url.searchParams].map(([k, v]) => [k, v.replace(UUID, '<uuid>')])),
    headers,
    signedHeaders: signed.filter((name) => !SDK_TELEMETRY.has(name)),
    scope,
    payloadHashIsBodyHash:
      req.headers['x-amz-content-sha256'] === createHash('sha256').update(body).digest('hex'),
    body: body.toString('utf8').replace(UUID, '<uuid>'),
  };
}

const SES_OK =
  '<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>0102-m</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></SendRawEmailResponse>';

/** The recorder's next answers, when a test scripts an error; else a plain success. */
const answers: Array<{ status: number; headers: Record<string, string>; body: string }> = [];

let server: http.Server;
let endpoint: string;
const seen: Seen[] = [];
const raw: RawSeen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const text = bytes.toString('utf8');
      const contentType = req.headers['content-type'];
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        target: req.headers['x-amz-target'] as string | undefined,
        contentType,
        body: text && contentType?.includes('json') ? JSON.parse(text) : text || undefined,
      });
      raw.push(rawSeen(req, bytes));
      const answer = answers.shift();
      if (answer) {
        res.writeHead(answer.status, answer.headers).end(req.method === 'HEAD' ? undefined : answer.body);
        return;
      }
      if (contentType === 'application/x-www-form-urlencoded') {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(SES_OK);
        return;
      }
      res.writeHead(200, { 'content-type': contentType ?? 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

/** What one `send` put on the wire. */
async function wire(send: () => Promise<unknown>): Promise<Seen> {
  const before = seen.length;
  await send();
  expect(seen.length).toBe(before + 1);
  return seen[before]!;
}

/** The request one `send` made, as received. */
async function rawWire(send: () => Promise<unknown>): Promise<RawSeen> {
  const before = raw.length;
  await send();
  expect(raw.length).toBe(before + 1);
  return raw[before]!;
}

const sdkOptions = () => ({ endpoint, region: REGION, credentials, maxAttempts: 1 });
const leanOptions = () => ({ endpoint, region: REGION, credentials });

/** The host and SigV4 service the SDK would use on AWS, read from the request it signs (never sent). */
async function sdkAwsIdentity(
  make: (options: object) => { send(command: never): Promise<unknown>; destroy(): void },
  command: unknown,
) {
  let captured: { hostname: string; path: string; authorization: string } | undefined;
  const client = make({
    region: REGION,
    credentials,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { hostname: string; path: string; headers: Record<string, string> }) => {
        captured = {
          hostname: request.hostname,
          path: request.path,
          authorization: request.headers.authorization ?? '',
        };
        throw new Error('captured, not sent');
      },
    },
  });
  await client.send(command as never).catch(() => {});
  client.destroy();
  if (!captured) throw new Error('the SDK made no request');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(captured.authorization);
  return { hostname: captured.hostname, path: captured.path, region: scope?.[1], signingName: scope?.[2] };
}

function expectSameIdentity(sdk: Awaited<ReturnType<typeof sdkAwsIdentity>>, service: JsonService) {
  expect({ ...sdk, path: undefined }).toEqual({
    path: undefined,
    hostname: `${service.endpointPrefix}.${REGION}.amazonaws.com`,
    region: REGION,
    signingName: service.signingName,
  });
}

describe('DynamoDB document commands: the lean client sends what lib-dynamodb sends', () => {
  const item = {
    pk: 'TICKET#01JH0000000000000000000000',
    sk: 'TICKET',
    version: 7,
    ratio: 0.25,
    open: true,
    closedAt: null,
    skipped: undefined,
    tags: ['billing', 'vip'],
    requester: { email: 'ana@example.com', name: undefined, nested: { deep: [1, { x: 'y' }] } },
    outbox: [{ id: 'ack', attempts: 0, note: undefined }],
    empty: {},
    emptyList: [],
  };
  const key = { pk: item.pk, sk: item.sk };
  const cases: Array<[string, () => unknown, () => unknown]> = [
    [
      'Put with a condition',
      () =>
        new DocSdk.PutCommand({
          TableName: 't',
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      () =>
        new Doc.PutCommand({
          TableName: 't',
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
    ],
    [
      'Get, consistent',
      () => new DocSdk.GetCommand({ TableName: 't', Key: key, ConsistentRead: true }),
      () => new Doc.GetCommand({ TableName: 't', Key: key, ConsistentRead: true }),
    ],
    [
      'Update with values of every shape',
      () =>
        new DocSdk.UpdateCommand({
          TableName: 't',
          Key: key,
          UpdateExpression: 'SET #s = :s, outbox = list_append(outbox, :o), n = n + :one REMOVE gone',
          ConditionExpression: 'version = :v',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':s': 'pending',
            ':o': item.outbox,
            ':one': 1,
            ':v': 7,
            ':m': item.requester,
          },
          ReturnValues: 'ALL_NEW',
        }),
      () =>
        new Doc.UpdateCommand({
          TableName: 't',
          Key: key,
          UpdateExpression: 'SET #s = :s, outbox = list_append(outbox, :o), n = n + :one REMOVE gone',
          ConditionExpression: 'version = :v',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':s': 'pending',
            ':o': item.outbox,
            ':one': 1,
            ':v': 7,
            ':m': item.requester,
          },
          ReturnValues: 'ALL_NEW',
        }),
    ],
    [
      'Delete with a condition',
      () =>
        new DocSdk.DeleteCommand({ TableName: 't', Key: key, ConditionExpression: 'attribute_exists(pk)' }),
      () => new Doc.DeleteCommand({ TableName: 't', Key: key, ConditionExpression: 'attribute_exists(pk)' }),
    ],
    [
      'Query on an index, paged',
      () =>
        new DocSdk.QueryCommand({
          TableName: 't',
          IndexName: 'byDeskStatusDue-v2',
          KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :due',
          FilterExpression: 'kind = :k',
          ExpressionAttributeValues: { ':p': 'DESK#techflow#STATUS#open', ':due': '2031', ':k': 'ticket' },
          ExclusiveStartKey: key,
          Limit: 25,
          ScanIndexForward: false,
          ProjectionExpression: 'id, kind',
        }),
      () =>
        new Doc.QueryCommand({
          TableName: 't',
          IndexName: 'byDeskStatusDue-v2',
          KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :due',
          FilterExpression: 'kind = :k',
          ExpressionAttributeValues: { ':p': 'DESK#techflow#STATUS#open', ':due': '2031', ':k': 'ticket' },
          ExclusiveStartKey: key,
          Limit: 25,
          ScanIndexForward: false,
          ProjectionExpression: 'id, kind',
        }),
    ],
    [
      'Scan',
      () => new DocSdk.ScanCommand({ TableName: 't', Limit: 10, ExclusiveStartKey: key }),
      () => new Doc.ScanCommand({ TableName: 't', Limit: 10, ExclusiveStartKey: key }),
    ],
    [
      'BatchGet with a projection',
      () =>
        new DocSdk.BatchGetCommand({
          RequestItems: { t: { Keys: [key, { pk: 'X', sk: 'Y' }], ProjectionExpression: 'pk, sk, version' } },
        }),
      () =>
        new Doc.BatchGetCommand({
          RequestItems: { t: { Keys: [key, { pk: 'X', sk: 'Y' }], ProjectionExpression: 'pk, sk, version' } },
        }),
    ],
    [
      'BatchWrite of puts and deletes',
      () =>
        new DocSdk.BatchWriteCommand({
          RequestItems: { t: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: key } }] },
        }),
      () =>
        new Doc.BatchWriteCommand({
          RequestItems: { t: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: key } }] },
        }),
    ],
  ];

  it.each(cases)('%s', async (_name, sdkCommand, leanCommand) => {
    const sdk = DocSdk.DynamoDBDocumentClient.from(new DynamoDBClient(sdkOptions()), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const lean = Doc.dynamoDocumentClient(leanOptions());
    try {
      const theirs = await wire(() => sdk.send(sdkCommand() as never));
      const ours = await wire(() => lean.send(leanCommand() as never));
      expect(ours).toEqual(theirs);
    } finally {
      sdk.destroy();
      lean.destroy();
    }
  });

  it('reaches the host and signs for the service the SDK does', async () => {
    expectSameIdentity(
      await sdkAwsIdentity((o) => new DynamoDBClient(o), new DocSdk.GetCommand({ TableName: 't', Key: key })),
      Doc.DYNAMODB,
    );
  });
});

describe('Step Functions, Secrets Manager and Cognito: the lean clients send what the SDK sends', () => {
  const token = 'AQCEAAAAKgAAAAMAAAAAAAAAAWVsuE2l+token==';
  const services = [
    {
      name: 'Step Functions',
      service: Sfn.STEP_FUNCTIONS,
      sdk: (o: object) => new SfnSdk.SFNClient(o),
      lean: () => Sfn.stepFunctionsClient(leanOptions()),
      pairs: [
        [
          new SfnSdk.StartExecutionCommand({ stateMachineArn: 'arn:sm', name: 'n', input: '{"a":1}' }),
          new Sfn.StartExecutionCommand({ stateMachineArn: 'arn:sm', name: 'n', input: '{"a":1}' }),
        ],
        [
          new SfnSdk.SendTaskSuccessCommand({ taskToken: token, output: '{"wake":true}' }),
          new Sfn.SendTaskSuccessCommand({ taskToken: token, output: '{"wake":true}' }),
        ],
        [
          new SfnSdk.SendTaskFailureCommand({ taskToken: token, error: 'E', cause: 'why' }),
          new Sfn.SendTaskFailureCommand({ taskToken: token, error: 'E', cause: 'why' }),
        ],
        [
          new SfnSdk.DescribeExecutionCommand({ executionArn: 'arn:ex' }),
          new Sfn.DescribeExecutionCommand({ executionArn: 'arn:ex' }),
        ],
        [
          new SfnSdk.GetExecutionHistoryCommand({
            executionArn: 'arn:ex',
            reverseOrder: true,
            maxResults: 100,
            nextToken: 'next',
            includeExecutionData: false,
          }),
          new Sfn.GetExecutionHistoryCommand({
            executionArn: 'arn:ex',
            reverseOrder: true,
            maxResults: 100,
            nextToken: 'next',
            includeExecutionData: false,
          }),
        ],
      ],
    },
    {
      name: 'Secrets Manager',
      service: Secrets.SECRETS_MANAGER,
      sdk: (o: object) => new SecretsSdk.SecretsManagerClient(o),
      lean: () => Secrets.secretsManagerJsonClient(leanOptions()),
      pairs: [
        [
          new SecretsSdk.GetSecretValueCommand({ SecretId: 'arn:secret', VersionStage: 'AWSPREVIOUS' }),
          new Secrets.GetSecretValueCommand({ SecretId: 'arn:secret', VersionStage: 'AWSPREVIOUS' }),
        ],
      ],
    },
    {
      name: 'Cognito',
      service: Cognito.COGNITO,
      sdk: (o: object) => new CognitoSdk.CognitoIdentityProviderClient(o),
      lean: () => Cognito.cognitoJsonClient(leanOptions()),
      pairs: [
        [
          new CognitoSdk.AdminGetUserCommand({ UserPoolId: 'eu-west-1_x', Username: 'kim' }),
          new Cognito.AdminGetUserCommand({ UserPoolId: 'eu-west-1_x', Username: 'kim' }),
        ],
        [
          new CognitoSdk.AdminListGroupsForUserCommand({
            UserPoolId: 'eu-west-1_x',
            Username: 'kim',
            Limit: 60,
            NextToken: 'n',
          }),
          new Cognito.AdminListGroupsForUserCommand({
            UserPoolId: 'eu-west-1_x',
            Username: 'kim',
            Limit: 60,
            NextToken: 'n',
          }),
        ],
        [
          new CognitoSdk.ListUsersInGroupCommand({ UserPoolId: 'eu-west-1_x', GroupName: 'techflow-lead' }),
          new Cognito.ListUsersInGroupCommand({ UserPoolId: 'eu-west-1_x', GroupName: 'techflow-lead' }),
        ],
      ],
    },
  ] as const;

  for (const { name, service, sdk, lean, pairs } of services) {
    it(`${name}: every operation on the wire, and the host and signing name on AWS`, async () => {
      // Each service's SDK client, seen only as what this test calls on it.
      const theirClient = sdk(sdkOptions()) as unknown as {
        send(command: never): Promise<unknown>;
        destroy(): void;
      };
      const ourClient = lean();
      try {
        for (const [theirCommand, ourCommand] of pairs) {
          const theirs = await wire(() => theirClient.send(theirCommand as never));
          const ours = await wire(() => ourClient.send(ourCommand as never));
          expect(ours).toEqual(theirs);
        }
      } finally {
        theirClient.destroy();
        ourClient.destroy();
      }
      expectSameIdentity(await sdkAwsIdentity(sdk as never, pairs[0][0]), service);
    });
  }
});

describe('S3 objects: the lean client sends what @aws-sdk/client-s3 sends', () => {
  const keys = [
    'bodies/01JH0000000000000000000000/m-1.txt',
    'attachments/a b/ünïcødé ✉ résumé.pdf',
    "odd/+plus=equals&amp;~tilde*star!'()[]@,;:$.txt",
  ];
  const bucket = 'tierdesk-bodies-123456789012-eu-west-1';
  const body = Buffer.from('Grüße — a body with bytes ≥ 0x80\r\n', 'utf8');
  const operations = (key: string) =>
    [
      [
        new S3Sdk.PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain; charset=utf-8',
        }),
        new S3.PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain; charset=utf-8',
        }),
      ],
      [
        new S3Sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }),
        new S3.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }),
      ],
      [
        new S3Sdk.GetObjectCommand({ Bucket: bucket, Key: key }),
        new S3.GetObjectCommand({ Bucket: bucket, Key: key }),
      ],
      [
        new S3Sdk.HeadObjectCommand({ Bucket: bucket, Key: key }),
        new S3.HeadObjectCommand({ Bucket: bucket, Key: key }),
      ],
      [
        new S3Sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }),
        new S3.DeleteObjectCommand({ Bucket: bucket, Key: key }),
      ],
    ] as const;

  it.each(keys)('path-style, every object operation, key %s', async (key) => {
    const sdk = new S3Sdk.S3Client({ ...sdkOptions(), forcePathStyle: true });
    const lean = S3.s3ObjectClient({ ...leanOptions(), forcePathStyle: true });
    try {
      for (const [theirCommand, ourCommand] of operations(key)) {
        const theirs = await rawWire(() => sdk.send(theirCommand as never));
        const ours = await rawWire(() => lean.send(ourCommand));
        expect(ours).toEqual(theirs);
        expect(ours.payloadHashIsBodyHash).toBe(true);
      }
    } finally {
      sdk.destroy();
      lean.destroy();
    }
  });

  it.each([
    [bucket, false],
    [bucket, true],
    ['bucket.with.dots', false],
  ] as const)(
    "on AWS, bucket %s (forcePathStyle %s): the SDK's host, path and signing scope",
    async (name, forcePathStyle) => {
      for (const key of keys) {
        const sdk = await sdkAwsIdentity(
          (o) => new S3Sdk.S3Client({ ...o, forcePathStyle }),
          new S3Sdk.GetObjectCommand({ Bucket: name, Key: key }),
        );
        const aws = new URL(`https://${S3.S3.endpointPrefix}.${REGION}.amazonaws.com`);
        const ours = S3.objectLocation(name, key, aws, forcePathStyle);
        expect(sdk).toEqual({
          hostname: ours.hostPrefix ? `${ours.hostPrefix}.${aws.hostname}` : aws.hostname,
          path: ours.path,
          region: REGION,
          signingName: S3.S3.signingName,
        });
      }
    },
  );
});

/** The SDK's endpoint for a REST or query service on AWS and its signing scope, and the lean client's. */
async function expectSameAwsEndpoint(
  make: (options: object) => { send(command: never): Promise<unknown>; destroy(): void },
  command: unknown,
  service: { endpointPrefix: string; signingName: string },
) {
  const sdk = await sdkAwsIdentity(make, command);
  expect({ hostname: sdk.hostname, region: sdk.region, signingName: sdk.signingName }).toEqual({
    hostname: `${service.endpointPrefix}.${REGION}.amazonaws.com`,
    region: REGION,
    signingName: service.signingName,
  });
}

describe('SES SendRawEmail: the lean client sends what @aws-sdk/client-ses sends', () => {
  const raw = Buffer.from(
    'From: =?UTF-8?Q?Soporte_T=C3=A9cnico?= <support@techflowsolutions.com>\r\nTo: zoë@example.org\r\n' +
      'Subject: Ticket résolu ✓\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGrüße, 你好 + = / ?\r\n',
    'utf8',
  );
  const inputs = [
    {
      Source: 'support@techflowsolutions.com',
      Destinations: ['zoë@example.org', 'a+b@example.com'],
      RawMessage: { Data: raw },
    },
    { RawMessage: { Data: raw } },
  ];

  it.each(inputs)('on the wire (%#)', async (input) => {
    const sdk = new SesSdk.SESClient(sdkOptions());
    const lean = Ses.sesQueryClient(leanOptions());
    try {
      const theirs = await rawWire(() => sdk.send(new SesSdk.SendRawEmailCommand(input)));
      const ours = await rawWire(async () => {
        const sent = await lean.send(new Ses.SendRawEmailCommand(input));
        expect(sent.MessageId).toBe('0102-m');
      });
      expect(ours).toEqual(theirs);
      expect(ours.payloadHashIsBodyHash).toBe(true);
    } finally {
      sdk.destroy();
      lean.destroy();
    }
  });

  it('reaches the host and signs for the service the SDK does', async () => {
    await expectSameAwsEndpoint(
      (o) => new SesSdk.SESClient(o),
      new SesSdk.SendRawEmailCommand(inputs[1]!),
      Ses.SES,
    );
  });
});

describe('EventBridge Scheduler: the lean client sends what @aws-sdk/client-scheduler sends', () => {
  const create = {
    Name: 'dsar-01JH0000000000000000000000-2030-02-21T15.00.00',
    GroupName: 'tierdesk-compliance',
    ScheduleExpression: 'at(2030-02-21T15:00:00)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Description: 'dsar 01JH deadline (techflow) — ünïcode',
    Target: {
      Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:deadline',
      RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      Input: JSON.stringify({ kind: 'dsar', id: '01JH', desk: 'techflow' }),
      RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 20 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' },
    },
  } as const;
  const remove = { Name: create.Name, GroupName: create.GroupName };

  it('CreateSchedule and DeleteSchedule on the wire, and the host and signing name on AWS', async () => {
    const sdk = new SchedulerSdk.SchedulerClient(sdkOptions());
    const lean = Scheduler.schedulerRestClient(leanOptions());
    try {
      const theirCreate = await rawWire(() => sdk.send(new SchedulerSdk.CreateScheduleCommand(create)));
      const ourCreate = await rawWire(() => lean.send(new Scheduler.CreateScheduleCommand(create)));
      // The same members (the idempotency token a fresh UUID each), whatever order they are written in.
      expect({ ...ourCreate, body: JSON.parse(ourCreate.body) }).toEqual({
        ...theirCreate,
        body: JSON.parse(theirCreate.body),
      });
      expect(JSON.parse(ourCreate.body).ClientToken).toBe('<uuid>');
      expect(ourCreate.payloadHashIsBodyHash).toBe(true);

      const theirDelete = await rawWire(() => sdk.send(new SchedulerSdk.DeleteScheduleCommand(remove)));
      const ourDelete = await rawWire(() => lean.send(new Scheduler.DeleteScheduleCommand(remove)));
      expect(ourDelete).toEqual(theirDelete);
      expect(ourDelete.query).toEqual({ groupName: create.GroupName, clientToken: '<uuid>' });
    } finally {
      sdk.destroy();
      lean.destroy();
    }
    await expectSameAwsEndpoint(
      (o) => new SchedulerSdk.SchedulerClient(o),
      new SchedulerSdk.DeleteScheduleCommand(remove),
      Scheduler.SCHEDULER,
    );
  });
});

describe('errors: the lean clients name them as the SDK does', () => {
  const xml = { 'content-type': 'application/xml' };
  const s3Sdk = () => new S3Sdk.S3Client({ ...sdkOptions(), forcePathStyle: true });
  const s3Lean = () => S3.s3ObjectClient({ ...leanOptions(), forcePathStyle: true });
  const cases = [
    {
      name: 'S3 GET of a missing key',
      answer: {
        status: 404,
        headers: xml,
        body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>R1</RequestId></Error>',
      },
      sdk: s3Sdk,
      sdkCommand: () => new S3Sdk.GetObjectCommand({ Bucket: 'b', Key: 'k' }),
      lean: s3Lean,
      leanCommand: () => new S3.GetObjectCommand({ Bucket: 'b', Key: 'k' }),
    },
    {
      name: 'S3 HEAD of a missing key (no body)',
      answer: { status: 404, headers: {}, body: '' },
      sdk: s3Sdk,
      sdkCommand: () => new S3Sdk.HeadObjectCommand({ Bucket: 'b', Key: 'k' }),
      lean: s3Lean,
      leanCommand: () => new S3.HeadObjectCommand({ Bucket: 'b', Key: 'k' }),
    },
    {
      name: 'S3 HEAD denied (no body)',
      answer: { status: 403, headers: {}, body: '' },
      sdk: s3Sdk,
      sdkCommand: () => new S3Sdk.HeadObjectCommand({ Bucket: 'b', Key: 'k' }),
      lean: s3Lean,
      leanCommand: () => new S3.HeadObjectCommand({ Bucket: 'b', Key: 'k' }),
    },
    {
      name: 'S3 PUT denied',
      answer: {
        status: 403,
        headers: xml,
        body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      },
      sdk: s3Sdk,
      sdkCommand: () => new S3Sdk.PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }),
      lean: s3Lean,
      leanCommand: () => new S3.PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }),
    },
    {
      name: 'SES MessageRejected',
      answer: {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Email address is not verified: &lt;a@x.com&gt;</Message></Error><RequestId>R2</RequestId></ErrorResponse>',
      },
      sdk: () => new SesSdk.SESClient(sdkOptions()),
      sdkCommand: () => new SesSdk.SendRawEmailCommand({ RawMessage: { Data: Buffer.from('x') } }),
      lean: () => Ses.sesQueryClient(leanOptions()),
      leanCommand: () => new Ses.SendRawEmailCommand({ RawMessage: { Data: Buffer.from('x') } }),
    },
    {
      name: 'Scheduler ConflictException',
      answer: {
        status: 409,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': 'ConflictException:http://internal.amazon.com/coral/com.amazonaws.chronos/',
        },
        body: '{"Message":"Schedule n already exists."}',
      },
      sdk: () => new SchedulerSdk.SchedulerClient(sdkOptions()),
      sdkCommand: () =>
        new SchedulerSdk.CreateScheduleCommand({
          Name: 'n',
          ScheduleExpression: 'at(2030-01-01T00:00:00)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: 'a', RoleArn: 'r' },
        }),
      lean: () => Scheduler.schedulerRestClient(leanOptions()),
      leanCommand: () =>
        new Scheduler.CreateScheduleCommand({
          Name: 'n',
          ScheduleExpression: 'at(2030-01-01T00:00:00)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: 'a', RoleArn: 'r' },
        }),
    },
    {
      name: 'Scheduler ResourceNotFoundException',
      answer: {
        status: 404,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' },
        body: '{"Message":"Schedule n does not exist."}',
      },
      sdk: () => new SchedulerSdk.SchedulerClient(sdkOptions()),
      sdkCommand: () => new SchedulerSdk.DeleteScheduleCommand({ Name: 'n' }),
      lean: () => Scheduler.schedulerRestClient(leanOptions()),
      leanCommand: () => new Scheduler.DeleteScheduleCommand({ Name: 'n' }),
    },
  ];

  /** What the code branches on: the error's name, its message and the status. */
  async function failure(send: () => Promise<unknown>) {
    const error = (await send().then(
      () => undefined,
      (e: unknown) => e,
    )) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | undefined;
    return error && { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
  }

  it.each(cases)('$name', async (c) => {
    const sdk = c.sdk() as unknown as { send(command: never): Promise<unknown>; destroy(): void };
    const lean = c.lean() as unknown as { send(command: never): Promise<unknown>; destroy(): void };
    try {
      answers.push(c.answer);
      const theirs = await failure(() => sdk.send(c.sdkCommand() as never));
      answers.push(c.answer);
      const ours = await failure(() => lean.send(c.leanCommand() as never));
      expect(theirs).toBeDefined();
      expect(ours).toEqual(theirs);
    } finally {
      answers.length = 0;
      sdk.destroy();
      lean.destroy();
    }
  });
});
