import { describe, expect, expectTypeOf, it } from 'vitest';
import { API_CONTRACT } from '#functions/manifest/api-contract.ts';
import { API_ROUTES, routeKey } from '#functions/manifest/api-routes.ts';
import { openApiDocument } from '#functions/manifest/openapi-document.ts';
import type {
  AppealCustomerView,
  AppealStaffView,
  DsarCustomerView,
  DsarExportBundle,
  DsarStaffView,
  KpiReportView,
  QueueView,
  SlaCreditsView,
} from '#functions/manifest/response-schemas.ts';
import type { appealView } from '#shared/compliance/appeal-service.ts';
import type { dsarView } from '#shared/compliance/dsar-service.ts';
import type { ExportBundle } from '#shared/compliance/export-bundle.ts';
import type { CreditService } from '#shared/incidents/credit-service.ts';
import type { KpiReport } from '#shared/kpis/report.ts';
import type { OpsService } from '#shared/ops/service.ts';
import type * as z from '#shared/validation/zod.ts';
import { contractViolations } from '../support/contract.ts';

type JsonSchema = { [key: string]: unknown };

/**
 * Where an answer is open on purpose, and why: GET /openapi.json embeds JSON Schemas (any schema, by the
 * OpenAPI specification), and the DSAR export carries the ticket's other records exactly as stored.
 * A place matches with everything under it.
 */
const OPEN_ON_PURPOSE: ReadonlyArray<{ route: string; at: RegExp; why: string }> = [
  {
    route: 'GetOpenApi',
    at: /\/schema(\/|$)|\/schemas\/additionalProperties(\/|$)/,
    why: 'an embedded JSON Schema',
  },
  { route: 'DownloadDsarExport', at: /\/otherRecords\/items(\/|$)/, why: 'records exported as stored' },
];

/** The open places of one answer's schema: objects that allow unknown fields, and schemas that allow anything. */
function openPlaces(schema: unknown, document: JsonSchema, at: string, seen: Set<string>): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as JsonSchema;
  if (typeof node.$ref === 'string') {
    // Each named schema is walked once per answer (JsonValue refers to itself).
    if (seen.has(node.$ref)) return [];
    seen.add(node.$ref);
    const name = node.$ref.replace('#/components/schemas/', '');
    const components = (document.components as { schemas: Record<string, unknown> }).schemas;
    return openPlaces(components[name], document, `${at}(${name})`, seen);
  }
  const places: string[] = [];
  const { description: _text, ...constraints } = node;
  if (Object.keys(constraints).length === 0) places.push(`${at}: any value`);
  const additional = node.additionalProperties;
  const isObject = node.type === 'object' || node.properties !== undefined;
  const unconstrained =
    additional === true ||
    (typeof additional === 'object' && additional !== null && Object.keys(additional).length === 0);
  if (isObject && (additional === undefined || unconstrained)) places.push(`${at}: unknown fields allowed`);
  const children: Array<[string, unknown]> = [];
  for (const key of ['items', 'additionalProperties', 'not'] as const) children.push([key, node[key]]);
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const)
    for (const [i, child] of ((node[key] as unknown[]) ?? []).entries())
      children.push([`${key}/${i}`, child]);
  for (const [name, child] of Object.entries((node.properties as JsonSchema) ?? {}))
    children.push([`properties/${name}`, child]);
  for (const [key, child] of children) {
    if (typeof child === 'object') places.push(...openPlaces(child, document, `${at}/${key}`, seen));
  }
  return places;
}

describe('response schemas', () => {
  const document = openApiDocument() as unknown as JsonSchema & {
    paths: Record<string, Record<string, { responses: Record<string, JsonSchema> }>>;
  };

  it('state every JSON answer of every route as a closed schema (no unknown fields, no anything-goes)', () => {
    const open: string[] = [];
    for (const route of API_ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        const content = (response.content ?? {}) as Record<string, { schema?: unknown }>;
        for (const [mediaType, { schema }] of Object.entries(content)) {
          if (!mediaType.endsWith('json')) continue;
          const places = openPlaces(schema, document, `${routeKey(route)} ${status}`, new Set());
          const allowed = OPEN_ON_PURPOSE.filter((o) => o.route === route.id);
          open.push(...places.filter((p) => !allowed.some((o) => o.at.test(p.split(':')[0]!))));
        }
      }
    }
    expect(open).toEqual([]);
  });

  it('give every success answer of a route a schema, or a media type other than JSON, or no body', () => {
    for (const [id, contract] of Object.entries(API_CONTRACT)) {
      for (const [status, response] of Object.entries(contract.responses)) {
        const described = response.schema !== undefined || response.mediaType !== undefined;
        expect(described || status === '204', `${id} ${status}`).toBe(true);
      }
    }
  });

  it('make the e2e contract check refuse a field the committed document does not name', () => {
    const id = '01JABCDEFGHJKMNPQRSTVWXYZ0';
    const requesterView = {
      id,
      kind: 'access',
      status: 'awaiting-verification',
      receivedAt: '2031-01-31T10:00:00.000Z',
      dueAt: '2031-02-28T10:00:00.000Z',
      identity: { status: 'pending' },
    };
    const check = (body: unknown) => contractViolations('GET', `/dsar/${id}`, 200, 'application/json', body);
    expect(check(requesterView)).toEqual([]);
    // The staff view's audit trail in the requester's answer matches neither view.
    expect(check({ ...requesterView, history: [] })).not.toEqual([]);
  });

  it('finds what it looks for: an open object and an anything-goes field are reported', () => {
    const loose = { type: 'object', properties: { a: {} } };
    expect(openPlaces(loose, document, 'x', new Set())).toEqual([
      'x: unknown fields allowed',
      'x/properties/a: any value',
    ]);
  });
});

/**
 * The views are TypeScript types in the domain modules; their schemas are written here. The compiler
 * checks that each view fits its schema and has no field the schema lacks (a field added to a view and
 * not to functions/manifest/response-schemas.ts fails `tsc`; the e2e contract check then checks values).
 */
type ExtraKeys<View, Schema extends z.ZodMiniType> = Exclude<keyof View, keyof z.output<Schema>>;
type StaffOnly<V> = Extract<V, { version: number }>;
type RequesterOnly<V> = Exclude<V, { version: number }>;

describe('response schemas and the domain views', () => {
  it('fit the DSAR and billing-appeal views, staff and requester', () => {
    type Dsar = ReturnType<typeof dsarView>;
    type Appeal = ReturnType<typeof appealView>;
    expectTypeOf<StaffOnly<Dsar>>().toExtend<z.output<typeof DsarStaffView>>();
    expectTypeOf<RequesterOnly<Dsar>>().toExtend<z.output<typeof DsarCustomerView>>();
    expectTypeOf<StaffOnly<Appeal>>().toExtend<z.output<typeof AppealStaffView>>();
    expectTypeOf<RequesterOnly<Appeal>>().toExtend<z.output<typeof AppealCustomerView>>();
    expectTypeOf<ExtraKeys<StaffOnly<Dsar>, typeof DsarStaffView>>().toBeNever();
    expectTypeOf<ExtraKeys<RequesterOnly<Dsar>, typeof DsarCustomerView>>().toBeNever();
    expectTypeOf<ExtraKeys<StaffOnly<Appeal>, typeof AppealStaffView>>().toBeNever();
    expectTypeOf<ExtraKeys<RequesterOnly<Appeal>, typeof AppealCustomerView>>().toBeNever();
    expectTypeOf<ExtraKeys<ExportBundle, typeof DsarExportBundle>>().toBeNever();
  });

  it('fit the queue, KPI and SLA-credit answers', () => {
    type Queue = Awaited<ReturnType<OpsService['queue']>>;
    type Credits = Awaited<ReturnType<CreditService['list']>>;
    expectTypeOf<KpiReport>().toExtend<z.output<typeof KpiReportView>>();
    expectTypeOf<ExtraKeys<KpiReport, typeof KpiReportView>>().toBeNever();
    expectTypeOf<Queue>().toExtend<z.output<typeof QueueView>>();
    expectTypeOf<ExtraKeys<Queue, typeof QueueView>>().toBeNever();
    expectTypeOf<Credits>().toExtend<z.output<typeof SlaCreditsView>>();
    expectTypeOf<ExtraKeys<Credits, typeof SlaCreditsView>>().toBeNever();
  });
});
