import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handler } from '#functions/docs/get-openapi.ts';
import { API_CONTRACT, pathParameterShape } from '#functions/manifest/api-contract.ts';
import { API_ROUTES, routeKey } from '#functions/manifest/api-routes.ts';
import { openApiDocument } from '#functions/manifest/openapi-document.ts';
import { openApiText } from '#local/openapi-cli.ts';

const committed = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');

describe('the OpenAPI document', () => {
  it('is up to date with the manifest and the zod schemas (run `npm run openapi` if not)', () => {
    expect(committed).toBe(openApiText());
  });

  it('has a contract for every manifest route and no contract for a route that does not exist', () => {
    const ids = API_ROUTES.map((r) => r.id);
    expect(ids.filter((id) => !API_CONTRACT[id])).toEqual([]);
    expect(Object.keys(API_CONTRACT).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('documents every route with its auth: the bearer scheme, or no security with the reason', () => {
    const paths = openApiDocument().paths;
    for (const route of API_ROUTES) {
      const op = paths[route.path]?.[route.method.toLowerCase()];
      expect(op, routeKey(route)).toBeDefined();
      if (route.auth.kind === 'jwt') {
        expect(op!.security, routeKey(route)).toEqual([{ bearerAuth: [] }]);
        expect(op!.responses['401'], routeKey(route)).toBeDefined();
      } else {
        expect(op!.security, routeKey(route)).toEqual([]);
        expect(op!.description, routeKey(route)).toContain(route.auth.reason);
      }
    }
  });

  it('gives every request body an example its zod schema accepts', () => {
    for (const [id, contract] of Object.entries(API_CONTRACT)) {
      if (!contract.body) continue;
      const parsed = contract.body.schema.safeParse(contract.body.example);
      expect(parsed.error?.issues ?? [], id).toEqual([]);
    }
  });

  it('states path parameters with the patterns the handlers check', () => {
    expect(
      pathParameterShape('/legal-holds/{id}/release', 'id').pattern.test('tk-01JABCDEFGHJKMNPQRSTVWXYZ0'),
    ).toBe(true);
    const get = openApiDocument().paths['/tickets/{id}']?.get as unknown as {
      parameters: { name: string; schema: object }[];
    };
    expect(get.parameters).toContainEqual(
      expect.objectContaining({
        name: 'id',
        schema: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' },
      }),
    );
  });

  it('is what GET /openapi.json serves, to anyone, as JSON', async () => {
    const event = { headers: {}, requestContext: { http: { method: 'GET', path: '/openapi.json' } } };
    const res = await handler(event as never, {} as never);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(res.body!)).toEqual(openApiDocument());
  });
});
