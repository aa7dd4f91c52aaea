import * as z from 'zod';
import { ProblemDocument } from '#shared/http/problem.ts';
import { API_CONTRACT, pathParameterShape, type RouteContract } from './api-contract.ts';
import { API_ROUTES, type ApiRouteEntry } from './api-routes.ts';

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the app manifest (routes, auth) and the route
 * contracts (zod schemas). `npm run openapi` writes it to docs/openapi.json, which GET /openapi.json serves;
 * a unit test keeps the two equal.
 */
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };
type Operation = Record<string, unknown> & { responses: Record<string, unknown> };
type JsonSchema = Record<string, unknown>;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: a malformed body, query or path parameter (`errors[].pointer` names each field).',
  401: 'No valid bearer token.',
  403: 'The caller may not do this.',
  404: 'Nothing of that id the caller may see.',
  409: 'Conflicts with the current state (the `type` names which).',
  412: 'The `If-Match` version is stale.',
  413: 'The body is larger than 256 KiB.',
  415: 'The body is not `application/json`.',
  422: 'Well-formed, but names something not allowed here (`errors[].pointer`).',
  428: '`If-Match` is required.',
  500: 'Something went wrong on the server; the detail names the request id.',
};

/** One line per manifest group, for the rendered reference's sections. */
const TAGS: Record<ApiRouteEntry['group'], string> = {
  tickets: 'Tickets, their messages and attachments, SLA state and workflow history.',
  sla: 'What-if previews of a policy pack’s deadlines.',
  bans: 'Who may not open tickets with the desk.',
  mail: 'Inbound mail whose sender was not authenticated, waiting for a lead.',
  compliance: 'Data subject requests, billing appeals, legal holds, retention and the compliance audit log.',
  ops: 'The queue, KPIs and incidents.',
  public: 'Routes without a token: the status feeds, the signed survey link and this document.',
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The statuses a route may answer with problem+json, from its kind and its contract. */
export function problemStatuses(route: ApiRouteEntry, contract: RouteContract): number[] {
  const statuses = new Set<number>([500, ...(contract.problems ?? [])]);
  const add = (...more: number[]) => {
    for (const status of more) statuses.add(status);
  };
  if (route.auth.kind === 'jwt') add(401, 403);
  if (route.path.includes('{')) add(400, 404);
  if (contract.query) add(400);
  if (contract.body) add(400, 413, 415);
  if (route.auth.kind === 'signed-link') add(403);
  return [...statuses].sort((a, b) => a - b);
}

function operation(route: ApiRouteEntry, contract: RouteContract): Operation {
  const parameters: JsonSchema[] = [];
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    const shape = pathParameterShape(route.path, name!);
    parameters.push({
      name,
      in: 'path',
      required: true,
      description: shape.describe,
      schema: { type: 'string', pattern: shape.pattern.source },
    });
  }
  if (contract.query) {
    const query = schemaOf(contract.query, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  for (const header of contract.headers ?? []) {
    parameters.push({
      name: header,
      in: 'header',
      required: false,
      description:
        header === 'If-Match'
          ? 'The ETag of the version being changed (`"<version>"`); required (428 without it).'
          : 'Makes a retry return the first answer instead of acting twice.',
      schema: { type: 'string', maxLength: 200 },
    });
  }

  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(contract.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.mediaType
        ? { content: { [response.mediaType]: { schema: { type: 'string' } } } }
        : response.schema
          ? { content: { 'application/json': { schema: schemaOf(response.schema, 'output') } } }
          : {}),
    };
  }
  for (const status of problemStatuses(route, contract)) {
    responses[String(status)] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'A problem.',
      content: {
        'application/problem+json': { schema: PROBLEM_REF },
        ...(contract.pages?.includes(status) ? { 'text/html': { schema: { type: 'string' } } } : {}),
      },
    };
  }
  if (route.auth.kind === 'jwt') {
    responses['429'] = { $ref: '#/components/responses/TooManyRequests' };
  }

  return {
    operationId: route.id,
    tags: [route.group],
    summary: route.description.replace(/^[A-Z]+ \S+: /, ''),
    ...(route.auth.kind === 'jwt'
      ? { security: [{ bearerAuth: [] }] }
      : { security: [], description: `No token (${route.auth.kind}): ${route.auth.reason}.` }),
    ...(parameters.length ? { parameters } : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: schemaOf(contract.body.schema, 'input'),
                examples: { example: { value: contract.body.example } },
              },
            },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(): OpenApiDocument {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of API_ROUTES) {
    const contract = API_CONTRACT[route.id];
    if (!contract) throw new Error(`Route ${route.id} has no entry in functions/manifest/api-contract.ts.`);
    const operations = paths[route.path] ?? {};
    operations[route.method.toLowerCase()] = operation(route, contract);
    paths[route.path] = operations;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'tierdesk API',
      version: '0.1.0',
      summary: 'Support tickets with explainable SLA clocks.',
      description:
        'Bodies are JSON (at most 256 KiB; unknown fields are rejected). Errors are RFC 9457 problem+json. ' +
        'docs/api.md explains each route; this document is generated by `npm run openapi`.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      { url: '/', description: 'The API’s base URL (the API Gateway stage, or http://localhost:3000)' },
    ],
    tags: [...new Set(API_ROUTES.map((r) => r.group))].map((name) => ({ name, description: TAGS[name] })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito access token: people carry `role` and `desk` claims (and `email` for customers); a ' +
            'machine client’s client-credentials token carries the scope `tierdesk/<desk>.app`.',
        },
      },
      schemas: { Problem: schemaOf(ProblemDocument, 'output') },
      responses: {
        TooManyRequests: {
          description:
            'Throttled: by API Gateway (`{"message":"Too Many Requests"}`) or, behind WAF, a ' +
            '`/problems/rate-limited` problem (both sent as `application/json`).',
          content: {
            'application/json': {
              schema: {
                anyOf: [
                  { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
                  PROBLEM_REF,
                ],
              },
            },
          },
        },
      },
    },
  };
}
