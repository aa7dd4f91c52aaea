import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signRequest } from '#shared/runtime/aws/signature-v4.ts';

/** The SDK signer's hash, on node:crypto (HMAC when given a secret). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}
function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(data);
}

const DATE = new Date('2026-03-29T01:02:03.456Z');

const cases = [
  {
    service: 'dynamodb',
    region: 'us-east-1',
    target: 'DynamoDB_20120810.GetItem',
    json: '1.0',
    token: undefined,
  },
  {
    service: 'dynamodb',
    region: 'eu-west-1',
    target: 'DynamoDB_20120810.Query',
    json: '1.0',
    token: 'FQoG//token==',
  },
  {
    service: 'states',
    region: 'eu-central-1',
    target: 'AWSStepFunctions.StartExecution',
    json: '1.0',
    token: 'x',
  },
  {
    service: 'secretsmanager',
    region: 'ap-southeast-2',
    target: 'secretsmanager.GetSecretValue',
    json: '1.1',
    token: undefined,
  },
  {
    service: 'cognito-idp',
    region: 'us-west-2',
    target: 'AWSCognitoIdentityProviderService.AdminGetUser',
    json: '1.1',
    token: 'tok',
  },
] as const;

const bodies = ['{}', '{"TableName":"t","Key":{"pk":{"S":"ü ticket  #1"}}}', `{"x":"${'y'.repeat(5000)}"}`];

async function both(c: (typeof cases)[number], body: string, date = DATE) {
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    ...(c.token ? { sessionToken: c.token } : {}),
  };
  const host = `${c.service}.${c.region}.amazonaws.com`;
  const headers = {
    host,
    'content-type': `application/x-amz-json-${c.json}`,
    'x-amz-target': c.target,
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'tierdesk',
    'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793',
  };
  const mine = signRequest(
    { method: 'POST', path: '/', headers, body },
    { service: c.service, region: c.region, credentials, date },
  );
  const sdk = await new SignatureV4({
    service: c.service,
    region: c.region,
    credentials,
    sha256: NodeSha256,
  }).sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: {},
      headers: { ...headers },
      body,
    },
    { signingDate: date },
  );
  return { mine, sdk: sdk.headers as Record<string, string> };
}

describe('SigV4 signer', () => {
  it('signs every service, region, body and token case exactly as @smithy/signature-v4', async () => {
    for (const c of cases) {
      for (const body of bodies) {
        const { mine, sdk } = await both(c, body);
        expect(mine.authorization, `${c.target} ${body.slice(0, 20)}`).toBe(sdk.authorization);
        expect(mine['x-amz-date']).toBe(sdk['x-amz-date']);
        expect(mine['x-amz-security-token']).toBe(sdk['x-amz-security-token']);
      }
    }
  });

  it('a changed body, date or service changes the signature', async () => {
    const c = cases[1];
    const base = (await both(c, bodies[1]!)).mine.authorization;
    expect((await both(c, `${bodies[1]} `)).mine.authorization).not.toBe(base);
    expect((await both(c, bodies[1]!, new Date(DATE.getTime() + 1000))).mine.authorization).not.toBe(base);
    expect((await both(cases[2], bodies[1]!)).mine.authorization).not.toBe(base);
  });

  it('leaves the trace and user-agent headers unsigned', async () => {
    const { mine } = await both(cases[0], '{}');
    expect(mine.authorization).toContain(
      'SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target,',
    );
  });
});

describe('SigV4 signer on REST requests', () => {
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  };
  const rest = [
    {
      service: 's3',
      escapePath: false,
      method: 'PUT',
      path: '/bodies/a%20b/%C3%BCn%2B%3D%2A.txt',
      query: { 'x-id': 'PutObject' },
      body: Buffer.from('Grüße ≥', 'utf8'),
    },
    {
      service: 's3',
      escapePath: false,
      method: 'HEAD',
      path: '/k%20%C3%A9',
      query: {},
      body: Buffer.alloc(0),
    },
    {
      service: 'scheduler',
      escapePath: true,
      method: 'DELETE',
      path: '/schedules/dsar-01J%20x',
      query: { groupName: 'g r', clientToken: "t!'()*" },
      body: Buffer.alloc(0),
    },
  ];

  it.each(rest)(
    '$service $method: path, query and byte body as @smithy/signature-v4 signs them',
    async (c) => {
      const host = `${c.service}.eu-west-1.amazonaws.com`;
      const headers = { host, 'content-length': String(c.body.length) };
      const mine = signRequest(
        { method: c.method, path: c.path, query: c.query, headers, body: c.body, escapePath: c.escapePath },
        { service: c.service, region: 'eu-west-1', credentials, date: DATE },
      );
      const sdk = await new SignatureV4({
        service: c.service,
        region: 'eu-west-1',
        credentials,
        sha256: NodeSha256,
        uriEscapePath: c.escapePath,
      }).sign(
        {
          method: c.method,
          protocol: 'https:',
          hostname: host,
          path: c.path,
          query: c.query,
          headers,
          body: c.body,
        },
        { signingDate: DATE },
      );
      expect(mine.authorization).toBe((sdk.headers as Record<string, string>).authorization);
    },
  );
});
