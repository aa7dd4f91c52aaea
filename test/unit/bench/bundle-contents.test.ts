import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionAccess } from '#functions/manifest/access.ts';
import { API_ROUTES } from '#functions/manifest/api-routes.ts';
import { ASYNC_FUNCTIONS } from '#functions/manifest/async-functions.ts';
import { esbuildApiOptions } from '#infra/constructs/lambda-bundling.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A package (or lean client module) a function's bundle may carry only when its manifest access says it
 * calls that service (or, for the MIME libraries, parses or composes mail): the static import graph
 * decides what esbuild bundles, so a composition root that names a client its routes never call shows up here.
 */
const ALLOWED_WHEN: Record<string, (access: FunctionAccess) => boolean> = {
  // Sending mail reads long bodies from the bodies bucket (the mail stack's grant).
  'shared/runtime/aws/s3.ts': (a) => Boolean(a.bodies?.length || a.inboundMail || a.sendMail),
  'shared/runtime/aws/step-functions.ts': (a) => Boolean(a.ticketWorkflow),
  'shared/runtime/aws/ses.ts': (a) => Boolean(a.sendMail || a.sendOwnMail),
  'shared/runtime/aws/scheduler.ts': (a) => Boolean(a.complianceSchedules),
  'shared/runtime/aws/secrets-manager.ts': (a) => Boolean(a.secrets?.length || a.sendMail),
  'shared/runtime/aws/cognito.ts': (a) => Boolean(a.staffDirectory),
  mailparser: (a) => Boolean(a.inboundMail),
  nodemailer: (a) => Boolean(a.sendMail || a.sendOwnMail),
};

/** The SDK's clients, which the lean client replaced (shared/runtime/aws/): no bundle carries any. */
const SDK_CLIENT = /^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)$/;
/** The SDK's core: no bundle carries it either (only local/ and test/ administer stand-ins with the SDK). */
const SDK_CORE = /^@smithy\/|^@aws-sdk\/core$/;

/**
 * Minified KB budgets of named API handlers, a little above what they measure (bench/results/bundles.json):
 * a route that grows past its budget pulled in something new; look at the bench's `largest` column.
 */
const BUDGET_KB: Record<string, number> = {
  'functions/bans/add-ban.ts': 105,
  'functions/mail/list-suspended-mail.ts': 105,
  'functions/tickets/list-tickets.ts': 215,
  'functions/compliance/get-dsar.ts': 110,
  'functions/compliance/verify-dsar.ts': 195,
  'functions/compliance/create-dsar.ts': 215,
  'functions/privacy/list-consents.ts': 175,
  'functions/incidents/get-incident.ts': 180,
  'functions/status/get-status-json.ts': 160,
  'functions/ops/get-queue.ts': 215,
  // The hottest routes, which carried the S3 and SES SDK clients (~550 KB) before the lean client.
  'functions/tickets/create-ticket.ts': 280,
  'functions/tickets/add-message.ts': 280,
};
/** The median API handler, in KB: below the goal in docs/performance.md, a little above what it measures, to keep what was won. */
const MEDIAN_API_BUDGET_KB = 180;

/**
 * Packages no bundle carries: the SDK's default credential chain and the STS/SSO clients it builds
 * (a Lambda bundle reads its credentials from the environment, infra/constructs/lambda-bundling.ts).
 */
const NEVER = /^@aws-sdk\/(credential-provider-|nested-clients$|token-providers$)/;

const entries = [...API_ROUTES, ...ASYNC_FUNCTIONS];
const bundles = new Map<string, { kb: number; packages: Set<string> }>();

beforeAll(async () => {
  // One build for every function: the same options infra/ deploys with, nothing written.
  const handlers = [...new Set(entries.map((e) => e.handler))];
  const result = await build({
    ...esbuildApiOptions(),
    entryPoints: handlers.map((handler) => `${root}${handler}`),
    outdir: '/dev/null/bundles',
    outbase: root,
    write: false,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  });
  for (const output of Object.values(result.metafile.outputs)) {
    if (!output.entryPoint) continue;
    const packages = new Set(
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .flatMap(([path]) =>
          path.startsWith('shared/runtime/aws/')
            ? path
            : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? []),
        ),
    );
    bundles.set(output.entryPoint, { kb: output.bytes / 1024, packages });
  }
  // Bundling every function takes about a minute on a loaded 2-core machine.
}, 240_000);

describe('Lambda bundles carry only what their function calls', () => {
  it('bundles every manifest function', () => {
    expect([...bundles.keys()].sort()).toEqual([...new Set(entries.map((e) => e.handler))].sort());
  });

  it('no client or MIME library in a function whose access does not call it', () => {
    const extra = entries.flatMap((entry) =>
      Object.entries(ALLOWED_WHEN)
        .filter(([pkg, allowed]) => bundles.get(entry.handler)?.packages.has(pkg) && !allowed(entry.access))
        .map(([pkg]) => `${entry.handler}: ${pkg}`),
    );
    expect(extra).toEqual([]);
  });

  it('no function carries the SDK credential chain beyond the environment, nor any SDK client', () => {
    const carried = entries.flatMap((entry) =>
      [...(bundles.get(entry.handler)?.packages ?? [])]
        .filter((pkg) => NEVER.test(pkg) || SDK_CLIENT.test(pkg))
        .map((pkg) => `${entry.handler}: ${pkg}`),
    );
    expect(carried).toEqual([]);
  });

  it("no function carries the SDK's core", () => {
    const carried = entries.flatMap((entry) =>
      [...(bundles.get(entry.handler)?.packages ?? [])]
        .filter((pkg) => SDK_CORE.test(pkg))
        .map((pkg) => `${entry.handler}: ${pkg}`),
    );
    expect(carried).toEqual([]);
  });

  it('named API handlers stay within their budgets, and so does the median API handler', () => {
    const over = Object.entries(BUDGET_KB).flatMap(([handler, budget]) => {
      const kb = bundles.get(handler)?.kb ?? Number.POSITIVE_INFINITY;
      return kb > budget ? [`${handler}: ${Math.round(kb)} KB > ${budget} KB`] : [];
    });
    expect(over).toEqual([]);
    const api = [...new Set(API_ROUTES.map((r) => r.handler))]
      .map((h) => bundles.get(h)?.kb ?? 0)
      .sort((a, b) => a - b);
    expect(api[Math.floor(api.length / 2)]).toBeLessThanOrEqual(MEDIAN_API_BUDGET_KB);
  });
});
