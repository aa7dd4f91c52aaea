import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addTierdeskStacks, createApp, type TierdeskStacks } from '../../infra/tierdesk-app.ts';

/** The context in cdk.json: the tests build exactly what `cdk synth` builds. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/**
 * A CDK app that does not bundle (`aws:cdk:bundling-stacks: []`, so no esbuild run per function) and writes
 * its assembly to a temporary directory.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return createApp({
    outdir: mkdtempSync(join(tmpdir(), 'tierdesk-infra-')),
    context: { ...CDK_JSON_CONTEXT, ...context },
    postCliContext: { 'aws:cdk:bundling-stacks': [] },
  });
}

export interface BuiltApp extends TierdeskStacks {
  readonly app: App;
  readonly dataTemplate: Template;
  readonly workflowTemplate: Template;
  /** The API stack with its nested route-group stacks, merged into one template. */
  readonly apiTemplate: Template;
  readonly observabilityTemplate: Template;
  /** Only when the environment has `waf.enabled` (prod in cdk.json). */
  readonly edgeTemplate: Template;
  /** Every stack of the app (nested stacks included) with its template, including stacks other features add. */
  readonly allTemplates: ReadonlyArray<{ readonly stack: Stack; readonly template: Template }>;
}

/**
 * The whole app for one environment from cdk.json (`dev` or `prod`), synthesized once (the templates are
 * read lazily from that one synthesis).
 */
export function buildApp(envName: string, context: Record<string, unknown> = {}): BuiltApp {
  const app = testApp({ 'tierdesk:env': envName, ...context });
  const stacks = addTierdeskStacks(app);
  const templates = new Map<Stack, Template>();
  const templateOf = (stack: Stack | undefined) => {
    if (!stack) throw new Error(`the ${envName} app has no such stack`);
    if (!templates.has(stack)) templates.set(stack, Template.fromStack(stack));
    return templates.get(stack)!;
  };
  return {
    app,
    ...stacks,
    dataTemplate: templateOf(stacks.data),
    workflowTemplate: templateOf(stacks.workflow),
    apiTemplate: withNestedStacks(stacks.api),
    get observabilityTemplate() {
      return templateOf(stacks.observability);
    },
    get edgeTemplate() {
      return templateOf(stacks.edge);
    },
    get allTemplates() {
      return app.node
        .findAll()
        .filter((c): c is Stack => Stack.isStack(c))
        .map((stack) => ({ stack, template: templateOf(stack) }));
    },
  };
}

/**
 * A stack and its nested stacks as one template (resources and parameters merged), so that assertions about
 * "the API stack" see the functions of every route group. References from a nested stack to its parent
 * appear as the nested stack's parameters.
 */
export function withNestedStacks(stack: Stack): Template {
  const parent = Template.fromStack(stack).toJSON() as Record<string, Record<string, unknown>>;
  const merged = { ...parent, Resources: { ...parent.Resources } };
  for (const nested of stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c))) {
    // The values the parent passes for the nested stack's parameters, so references read as before the split.
    const resource = nested.nestedStackResource;
    const passed = resource
      ? ((
          parent.Resources?.[stack.getLogicalId(resource)] as {
            Properties?: { Parameters?: Record<string, unknown> };
          }
        )?.Properties?.Parameters ?? {})
      : {};
    const substitute = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(substitute);
      if (value && typeof value === 'object') {
        const ref = (value as { Ref?: unknown }).Ref;
        if (typeof ref === 'string' && Object.keys(value).length === 1 && passed[ref] !== undefined)
          return passed[ref];
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
      }
      return value;
    };
    Object.assign(
      merged.Resources,
      substitute((Template.fromStack(nested).toJSON() as typeof parent).Resources),
    );
  }
  return Template.fromJSON(merged, { skipCyclicalDependenciesCheck: true });
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Every IAM action granted to the execution role of the function whose construct id is `routeId`. */
export function actionsOfFunction(
  template: Template,
  routeId: string,
  options: { exceptDeskQuota?: boolean } = {},
): string[] {
  const functions = template.findResources('AWS::Lambda::Function') as Resources;
  const entry = Object.entries(functions).find(([logicalId]) => logicalId.startsWith(`${routeId}Function`));
  if (!entry) throw new Error(`no function ${routeId}`);
  const role = entry[1].Properties?.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = role['Fn::GetAtt'][0];

  const actions: string[] = [];
  const policies = template.findResources('AWS::IAM::Policy') as Resources;
  for (const policy of Object.values(policies)) {
    const roles = policy.Properties?.Roles as { Ref: string }[];
    if (!roles.some((r) => r.Ref === roleId)) continue;
    const document = policy.Properties?.PolicyDocument as {
      Statement: { Action: string | string[]; Condition?: unknown }[];
    };
    for (const statement of document.Statement) {
      // The desk quota counter: UpdateItem on QUOTA# items only (checked in api-stack.test.ts).
      if (
        options.exceptDeskQuota &&
        JSON.stringify(statement.Condition ?? {}).includes('dynamodb:LeadingKeys')
      )
        continue;
      actions.push(...[statement.Action].flat());
    }
  }
  const roles = template.findResources('AWS::IAM::Role') as Resources;
  const managed = roles[roleId]?.Properties?.ManagedPolicyArns;
  if (managed) throw new Error(`${routeId}'s role has managed policies: ${JSON.stringify(managed)}`);
  return [...new Set(actions)].sort();
}
