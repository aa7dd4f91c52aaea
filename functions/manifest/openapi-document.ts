import { ProblemDocument } from '#shared/http/problem.ts';
import { IncidentView } from '#shared/incidents/model.ts';
import { ConsentViewSchema, PrivateAccessRecordSchema } from '#shared/privacy/consent-service.ts';
import { BanView } from '#shared/tickets/bans.ts';
import { CustomerMessageView, CustomerTicketView } from '#shared/tickets/customer-view.ts';
import { Message, Ticket } from '#shared/tickets/model.ts';
import * as z from '#shared/validation/zod.ts';
import { API_CONTRACT, pathParameterShape, type RouteContract } from './api-contract.ts';
import { API_ROUTES, type ApiRouteEntry } from './api-routes.ts';
import {
  AppealCustomerView,
  AppealStaffView,
  AttachmentView,
  DsarCustomerView,
  DsarStaffView,
  JsonValue,
  LegalHoldView,
  SuspendedMailView,
} from './response-schemas.ts';

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

/**
 * Response shapes written once under components/schemas and referenced from every answer that carries
 * them: a client generator names its types after them, and the document states each shape once.
 */
const COMPONENT_SCHEMAS: Record<string, z.ZodMiniType> = {
  Ticket,
  CustomerTicket: CustomerTicketView,
  Message,
  CustomerMessage: CustomerMessageView,
  Dsar: DsarStaffView,
  DsarForRequester: DsarCustomerView,
  BillingAppeal: AppealStaffView,
  BillingAppealForRequester: AppealCustomerView,
  LegalHold: LegalHoldView,
  SuspendedMail: SuspendedMailView,
  Incident: IncidentView,
  Consent: ConsentViewSchema,
  PrivateAccessRecord: PrivateAccessRecordSchema,
  Ban: BanView,
  Attachment: AttachmentView,
  JsonValue,
};
const components = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries(COMPONENT_SCHEMAS)) components.add(schema, { id });

/**
 * A transform in an answer's schema normalises a value (an address lower-cased): the answer has the
 * input's JSON type, which JSON Schema can state and the transform cannot. Only the type: the input's
 * checks (an address pattern) are what API bodies must pass, not what every stored value passed (mail
 * intake keeps any address RFC 5322 allows).
 */
function normalisedOutput(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) {
  const def = (ctx.zodSchema as { _zod: { def: { type: string; in?: z.ZodMiniType; out?: z.ZodMiniType } } })
    ._zod.def;
  if (
    def.type !== 'pipe' ||
    !def.in ||
    (def.out as { _zod: { def: { type: string } } })._zod.def.type !== 'transform'
  )
    return;
  const { type } = schemaOf(def.in, 'input');
  if (type !== undefined) ctx.jsonSchema.type = type;
}

function schemaOf(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** An answer's schema, its named parts moved to `shared` (components/schemas) and referenced from there. */
function responseSchemaOf(schema: z.ZodMiniType, shared: Record<string, JsonSchema>): JsonSchema {
  const {
    $schema: _dialect,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, {
    io: 'output',
    unrepresentable: 'any',
    metadata: components,
    override: normalisedOutput,
  }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const toComponents = (value: JsonSchema): JsonSchema =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/'));
  for (const [id, def] of Object.entries($defs ?? {})) {
    // zod numbers a shape it meets twice but has no name for; such numbers differ between answers.
    if (id.startsWith('__')) throw new Error(`Name the reused shape ${id} in COMPONENT_SCHEMAS`);
    const named = toComponents(def);
    const known = shared[id];
    if (known && JSON.stringify(known) !== JSON.stringify(named))
      throw new Error(`components/schemas/${id} comes out differently in two answers`);
    shared[id] = named;
  }
  return toComponents(rest);
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

function operation(
  route: ApiRouteEntry,
  contract: RouteContract,
  shared: Record<string, JsonSchema>,
): Operation {
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
          ? { content: { 'application/json': { schema: responseSchemaOf(response.schema, shared) } } }
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
  const shared: Record<string, JsonSchema> = {};
  for (const route of API_ROUTES) {
    const contract = API_CONTRACT[route.id];
    if (!contract) throw new Error(`Route ${route.id} has no entry in functions/manifest/api-contract.ts.`);
    const operations = paths[route.path] ?? {};
    operations[route.method.toLowerCase()] = operation(route, contract, shared);
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
      schemas: {
        Problem: schemaOf(ProblemDocument, 'output'),
        ...Object.fromEntries(Object.entries(shared).sort(([a], [b]) => a.localeCompare(b))),
      },
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
