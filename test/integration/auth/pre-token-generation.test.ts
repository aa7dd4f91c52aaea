import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * The pre-token-generation trigger end to end: its handler module, its SigV4-signed AdminGetUser call, and a
 * stand-in for Cognito's JSON endpoint (reached through AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, as the
 * SDK's clients would be).
 */
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/cognito/pre-token-generation-v2.json', import.meta.url), 'utf8'),
);

interface Seen {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
let server: Server;
let seen: Seen[] = [];
/** AdminGetUser answers by user name; an unknown user gets Cognito's UserNotFoundException. */
const users = new Map<string, Record<string, unknown>>();
let handler: (event: unknown) => Promise<any>;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ headers: req.headers, body });
      const user = users.get(String(body.Username));
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (!user) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'UserNotFoundException', message: 'User does not exist.' }));
        return;
      }
      res.end(JSON.stringify({ Username: body.Username, UserAttributes: [], ...user }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    LOG_LEVEL: 'ERROR',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'session-token-example',
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
  ({ handler } = await import('#functions/auth/pre-token-generation.ts'));
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
beforeEach(() => {
  seen = [];
  users.clear();
});

const event = (
  changes: { groups?: string[]; attributes?: Record<string, string>; version?: string } = {},
) => {
  const copy = structuredClone(fixture);
  if (changes.groups) copy.request.groupConfiguration.groupsToOverride = changes.groups;
  if (changes.attributes) Object.assign(copy.request.userAttributes, changes.attributes);
  if (changes.version) copy.version = changes.version;
  return copy;
};

describe('pre-token-generation trigger', () => {
  it('gives an agent with TOTP enabled the tierdesk claims, after a signed AdminGetUser', async () => {
    users.set(fixture.userName, {
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
    });
    const result = await handler(event());
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: {
        claimsToAddOrOverride: {
          role: 'agent',
          desk: 'techflow',
          tier: 2,
          email: 'agent.two@techflow.example',
          name: 'Agent Two',
        },
      },
      idTokenGeneration: { claimsToAddOrOverride: { role: 'agent', desk: 'techflow', tier: 2 } },
    });
    // Cognito gets its event back, untouched apart from the response.
    expect(result.request).toEqual(fixture.request);
    expect(result.callerContext).toEqual(fixture.callerContext);

    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call!.body).toEqual({ UserPoolId: fixture.userPoolId, Username: fixture.userName });
    expect(call!.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.AdminGetUser');
    expect(call!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(call!.headers['x-amz-security-token']).toBe('session-token-example');
    expect(call!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/cognito-idp\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('gives staff without TOTP a token without tierdesk claims (enough to enrol TOTP, useless on the API)', async () => {
    users.set(fixture.userName, { UserMFASettingList: [] });
    const result = await handler(event({ groups: ['ops'] }));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: {} },
      idTokenGeneration: { claimsToAddOrOverride: {} },
    });
    users.set(fixture.userName, {});
    const noList = await handler(event({ groups: ['lead'] }));
    expect(noList.response.claimsAndScopeOverrideDetails.accessTokenGeneration.claimsToAddOrOverride).toEqual(
      {},
    );
  });

  it('does not look up customers, who need no MFA', async () => {
    const result = await handler(
      event({ groups: ['customer'], attributes: { 'custom:plan': 'enterprise' } }),
    );
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration.claimsToAddOrOverride).toEqual(
      {
        role: 'customer',
        desk: 'techflow',
        plan: 'enterprise',
        email: 'agent.two@techflow.example',
        name: 'Agent Two',
      },
    );
    expect(seen).toEqual([]);
  });

  it('fails closed when Cognito cannot be read', async () => {
    await expect(handler(event())).rejects.toThrow(/AdminGetUser failed: UserNotFoundException/);
  });

  it('refuses users it cannot place, and events of the wrong version', async () => {
    await expect(handler(event({ groups: [] }))).rejects.toThrow(/no tierdesk group/);
    await expect(handler(event({ attributes: { 'custom:desk': 'Not A Desk' } }))).rejects.toThrow(
      /custom:desk/,
    );
    await expect(handler(event({ version: '1' }))).rejects.toThrow(/V2_0/);
    await expect(handler({ version: '2' })).rejects.toThrow();
    expect(seen).toEqual([]);
  });
});
