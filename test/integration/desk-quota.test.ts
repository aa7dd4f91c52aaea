import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal, Role } from '#shared/auth/principal.ts';
import type { TokenVerifier } from '#shared/auth/verify-token.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { problems } from '#shared/http/problem.ts';
import { dynamoQuotaCounter, withDeskQuota } from '#shared/quota/desk-quota.ts';
import { startDynalite } from '../support/dynalite.ts';

let db: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => db.stop());

/** Tokens are `<role>:<desk>:<sub>`; anything else is rejected like a bad signature. */
const verify: TokenVerifier = async (authorization) => {
  const [role, desk, sub] = (authorization ?? '').replace(/^Bearer /, '').split(':');
  if (!role || !desk || !sub) throw problems.unauthenticated('The bearer token is not valid.');
  const principal: Principal = {
    id: sub,
    role: role as Role,
    desk,
    email: undefined,
    name: undefined,
    plan: undefined,
    tier: undefined,
  };
  return principal;
};

/** A route behind the quota, as api-deps builds it; each "Lambda instance" gets its own wrapper. */
function instance(nowMs: () => number) {
  const verifyToken = withDeskQuota(verify, {
    counter: dynamoQuotaCounter(db.doc, db.tableName),
    quota: { perDesk: 4, perAppClient: 2 },
    nowMs,
  });
  const handler = apiRoute(
    () => verifyToken,
    async ({ principal }) => json(200, { desk: principal.desk }),
  );
  return (token: string) =>
    handler(
      {
        headers: { authorization: `Bearer ${token}` },
        routeKey: 'GET /tickets',
        requestContext: { requestId: 'r', http: { path: '/tickets' } },
      } as unknown as APIGatewayProxyEventV2,
      {} as Context,
    ) as Promise<APIGatewayProxyStructuredResultV2>;
}

describe('desk quota (one DynamoDB counter per desk per second, across instances)', () => {
  it('answers 429 problem+json with Retry-After to a desk over its quota; another desk is unaffected', async () => {
    const now = () => Date.UTC(2030, 0, 1, 12, 0, 0, 250);
    // Two Lambda instances share the counter: the quota is per desk, not per instance.
    const [a, b] = [instance(now), instance(now)];
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? a : b)(`agent:techflow:u${i}`)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);

    const refused = await a('agent:techflow:u9');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '1',
    });
    expect(JSON.parse(refused.body ?? '{}')).toMatchObject({ type: '/problems/rate-limited', status: 429 });

    // Another desk, same second, same instances: its own budget.
    expect((await a('agent:acentus:x')).statusCode).toBe(200);
    expect((await b('customer:acentus:y')).statusCode).toBe(200);
  });

  it('starts a fresh budget in the next second', async () => {
    let ms = Date.UTC(2030, 0, 1, 12, 5, 0, 0);
    const call = instance(() => ms);
    for (let i = 0; i < 4; i++) expect((await call('agent:rarelogic:u')).statusCode).toBe(200);
    expect((await call('agent:rarelogic:u')).statusCode).toBe(429);
    ms += 1000;
    expect((await call('agent:rarelogic:u')).statusCode).toBe(200);
  });

  it('does not charge a desk for requests with a bad token', async () => {
    const call = instance(() => Date.UTC(2030, 0, 1, 12, 10, 0, 0));
    for (let i = 0; i < 20; i++) expect((await call('forged')).statusCode).toBe(401);
    for (let i = 0; i < 4; i++) expect((await call('agent:techflow:u')).statusCode).toBe(200);
  });

  it('holds one app client to its own quota, inside its desk’s', async () => {
    const call = instance(() => Date.UTC(2030, 0, 1, 12, 15, 0, 0));
    expect((await call('app:techflow:client-1')).statusCode).toBe(200);
    expect((await call('app:techflow:client-1')).statusCode).toBe(200);
    const refused = await call('app:techflow:client-1');
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body ?? '{}').detail).toMatch(/app client/);
    // The desk's staff still have what the app did not use.
    expect((await call('agent:techflow:u')).statusCode).toBe(200);
    expect((await call('agent:techflow:u')).statusCode).toBe(200);
    expect((await call('agent:techflow:u')).statusCode).toBe(429);
  });
});
