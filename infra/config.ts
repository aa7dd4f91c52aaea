import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import * as z from 'zod';
import { DEFAULT_METRICS_MODE, METRICS_MODES } from '#shared/observability/metrics.ts';
import { isKnownDesk, PACK_IDS } from '#shared/policy/packs.ts';

/**
 * Deployment configuration, read once from the CDK context (`cdk.json` → `context`) and parsed with zod
 * so a typo fails `cdk synth` with a readable message instead of deploying something half-configured.
 *
 * - `tierdesk:env` picks the environment (`-c tierdesk:env=prod` on the command line).
 * - `tierdesk:environments` holds one entry per environment.
 */

/** CloudWatch Logs accepts only these retention periods; anything else is rejected at deploy time. */
const LOG_RETENTION_DAYS = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number' && value !== RetentionDays.INFINITE,
);

/** The desks the product ships a policy pack for (shared/policies/*.json; listed once, in shared/policy/packs.ts). */
export const DEFAULT_DESKS = PACK_IDS;

export const EnvironmentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,15}$/, 'lower-case letters, digits and dashes, 2–16 characters');

/** A desk's quota, requests per second (staff, customers and apps together). */
export const DEFAULT_PER_DESK_PER_SECOND = 20;
/** One app client's quota, requests per second. */
export const DEFAULT_PER_APP_CLIENT_PER_SECOND = 5;
/** AWS WAF rate-based rules count over this window. */
export const WAF_WINDOW_SECONDS = 300;

/** Requests per second, steady and burst (API Gateway's token bucket). */
const Throttle = z.strictObject({
  rateLimit: z.number().int().min(1).max(10_000),
  burstLimit: z.number().int().min(1).max(5_000),
});

export const EnvironmentConfig = z
  .strictObject({
    /**
     * true: deleting the stacks deletes the table, buckets, keys and user pool (dev).
     * false: they are retained and deletion protection is on (prod).
     */
    removeDataOnDelete: z.boolean(),
    /**
     * Upgrade of the table's indexes from the previous release's ALL-projected ones to the narrow ones, one
     * index per deploy (CloudFormation adds or removes one GSI per stack update): 0 = the previous release's
     * indexes, 1–4 = narrow indexes added, 5–8 = old indexes removed. 8 (default) for a new deployment;
     * the sequence is in docs/deploy.md.
     */
    tableIndexStep: z.number().int().min(0).max(8).default(8),
    /** Retention of every log group (Lambda, API access logs) and of the S3 server access logs. */
    logRetentionDays: z
      .number()
      .int()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), {
        message: `must be one of the CloudWatch Logs retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
      }),
    /**
     * HTTP API throttling (requests per second, steady and burst), for all callers together: the stage default,
     * and `routes` overriding it per route key (`POST /tickets`) on top of the built-in per-route limits
     * (`throttle` on the routes of functions/manifest/api-routes.ts). Per-client limits are WAF's (`waf`).
     */
    apiThrottle: z
      .strictObject({
        rateLimit: z.number().int().min(1).max(10_000),
        burstLimit: z.number().int().min(1).max(5_000),
        routes: z
          .record(
            z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/, "a route key such as 'POST /tickets'"),
            Throttle,
          )
          .default({}),
        /**
         * Requests per second one desk may send in all, counted per desk across Lambda instances after the
         * token is verified (shared/quota/desk-quota.ts); 429 with Retry-After above it. Sizes the WAF rules.
         */
        perDeskPerSecond: z.number().int().min(1).max(10_000).default(DEFAULT_PER_DESK_PER_SECOND),
        /** Requests per second one app client (client-credentials token) of a desk may send. */
        perAppClientPerSecond: z.number().int().min(1).max(10_000).default(DEFAULT_PER_APP_CLIENT_PER_SECOND),
      })
      .default({
        rateLimit: 50,
        burstLimit: 100,
        routes: {},
        perDeskPerSecond: DEFAULT_PER_DESK_PER_SECOND,
        perAppClientPerSecond: DEFAULT_PER_APP_CLIENT_PER_SECOND,
      }),
    /**
     * AWS Region of the environment's stacks; without it, the CLI's Region (`CDK_DEFAULT_REGION`). With
     * `waf.enabled` one of the two must be known at synth: the CloudFront stack lives in us-east-1 and reads
     * the API's address across Regions.
     */
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS Region such as eu-west-1')
      .optional(),
    /** Where alarm notifications go (an email subscription to the alarm topic, confirmed by the recipient). */
    alarmEmail: z.email().optional(),
    /**
     * Abuse protection in front of the API and the user pool (docs/decisions.md, "Edge protection"): CloudFront
     * with an AWS WAF web ACL (managed rule groups, rate limits per bearer token and per IP, a request-size
     * rule) and a web ACL on the Cognito user pool (rate limit per IP on sign-in). Rate limits count requests
     * per 5 minutes.
     */
    waf: z
      .strictObject({
        enabled: z.boolean(),
        /** Without it: half of a desk's quota over 5 minutes (`wafRateLimits`). */
        apiRequestsPerTokenPer5Minutes: z.number().int().min(10).max(2_000_000_000).optional(),
        /** Without it: one desk's quota over 5 minutes (`wafRateLimits`). */
        apiRequestsPerIpPer5Minutes: z.number().int().min(10).max(2_000_000_000).optional(),
        signInRequestsPerIpPer5Minutes: z.number().int().min(10).max(2_000_000_000).default(300),
        /** A custom domain for the CloudFront distribution (TLS 1.2+); its ACM certificate must be in us-east-1. */
        customDomain: z
          .strictObject({
            domainName: z.string().regex(/^(?=.{4,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, 'a lower-case DNS name'),
            certificateArn: z
              .string()
              .regex(
                /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/,
                'an ACM certificate ARN in us-east-1',
              ),
          })
          .optional(),
      })
      .default({ enabled: false, signInRequestsPerIpPer5Minutes: 300 }),
    /**
     * Desks (one per policy pack) whose tickets the workflow reconciler sweeps; becomes `DESKS` of the
     * workflow functions (`WorkflowEnv` in shared/config/env.ts). A desk missing here keeps working, but its
     * tickets lose the safety net that starts or wakes a workflow after a failed StartExecution.
     */
    desks: z
      .array(
        z
          .string()
          .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes')
          .refine(isKnownDesk, { message: `not a desk with a policy pack (${PACK_IDS.join(', ')})` }),
      )
      .min(1)
      .refine((desks) => new Set(desks).size === desks.length, { message: 'lists a desk twice' })
      .default([...DEFAULT_DESKS]),
    /**
     * A regional custom domain for the HTTP API, the origin CloudFront forwards to (docs/decisions.md, "No way
     * around the edge"). With it, the API's default `execute-api` endpoint is disabled, so the public API is
     * reachable only through this name (the edge distribution with WAF, the ops console's distribution).
     * The certificate is an ACM certificate in the API's own Region; a DNS record (CNAME or alias) must
     * point the name at the API's regional domain name (stack output `ApiOriginTarget`).
     */
    apiOriginDomain: z
      .strictObject({
        domainName: z.string().regex(/^(?=.{4,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, 'a lower-case DNS name'),
        certificateArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'an ACM certificate ARN'),
      })
      .optional(),
    /**
     * What the workflows log and trace. Step Functions execution logs at `ALL` with execution data carry
     * task tokens and ticket content (subjects, requester addresses); `ERROR` without execution data logs
     * failures only, by state name and error. X-Ray active tracing (Lambda and Step Functions) records a
     * sample of requests under the account's sampling rules and is billed per trace. The defaults are the
     * production ones; dev turns everything on in cdk.json, because dev holds test tickets only and the full
     * history is what one debugs a workflow with.
     */
    observability: z
      .strictObject({
        workflowLogLevel: z.enum(['ALL', 'ERROR', 'FATAL', 'OFF']).default('ERROR'),
        workflowLogExecutionData: z.boolean().default(false),
        tracing: z.boolean().default(false),
        /**
         * `region`: one alarm on the Region's Lambda `Errors` metric (every function of the account in the
         * Region, one alarm metric); ops find the function on the dashboard or with the query in docs/ops.md.
         * `per-function`: an Errors alarm on each function (one alarm metric each, ~70), for accounts where
         * other workloads or another environment share the Region and would set the Region-wide alarm off.
         */
        functionErrorAlarms: z.enum(['region', 'per-function']).default('region'),
        /** The environment's CloudWatch dashboard (billed per month beyond the account's first three). */
        dashboard: z.boolean().default(false),
        /**
         * Which handler figures become CloudWatch custom metrics (each billed per month): `alarmed` (what an
         * alarm reads), `all` (every figure, once per deployment) or `per-desk` (every figure per desk).
         * See shared/observability/metrics.ts; per-desk figures are in the KPI report whatever this says.
         */
        metrics: z.enum(METRICS_MODES).default(DEFAULT_METRICS_MODE),
      })
      .default({
        workflowLogLevel: 'ERROR',
        workflowLogExecutionData: false,
        tracing: false,
        functionErrorAlarms: 'region',
        dashboard: false,
        metrics: DEFAULT_METRICS_MODE,
      }),
    /**
     * Cognito (docs/cost.md, "Cognito"): `featurePlan` ESSENTIALS (free tier of monthly active users) or PLUS
     * (threat protection: compromised credentials, adaptive authentication; billed per MAU from the first
     * user). `machineClients`: one `shared` client-credentials app client allowed every desk's scope (default:
     * one monthly bill; each token must request exactly one desk scope, which is the desk it acts on, but the
     * one secret mints tokens for any desk) or one client `per-desk` (each billed per month, each secret good
     * for its own desk only: for desks whose integrations are run by different parties).
     */
    cognito: z
      .strictObject({
        featurePlan: z.enum(['ESSENTIALS', 'PLUS']).default('ESSENTIALS'),
        machineClients: z.enum(['per-desk', 'shared']).default('shared'),
      })
      .default({ featurePlan: 'ESSENTIALS', machineClients: 'shared' }),
    /**
     * The public URL customers open links from mail at (the CSAT survey in closure notices), e.g. the API's
     * custom domain. Becomes `PUBLIC_BASE_URL` of the mail senders; without it synth warns and uses an example URL.
     */
    publicBaseUrl: z.url().optional(),
  })
  .superRefine((env, ctx) => {
    // Neither WAF rule may let one client past what its whole desk may send (docs/security.md).
    const deskPer5Minutes = env.apiThrottle.perDeskPerSecond * WAF_WINDOW_SECONDS;
    for (const field of ['apiRequestsPerTokenPer5Minutes', 'apiRequestsPerIpPer5Minutes'] as const) {
      const value = env.waf[field];
      if (value !== undefined && value > deskPer5Minutes) {
        ctx.addIssue({
          code: 'custom',
          path: ['waf', field],
          message: `at most apiThrottle.perDeskPerSecond × ${WAF_WINDOW_SECONDS} = ${deskPer5Minutes}`,
        });
      }
    }
    if (env.apiThrottle.perAppClientPerSecond > env.apiThrottle.perDeskPerSecond) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiThrottle', 'perAppClientPerSecond'],
        message: 'at most apiThrottle.perDeskPerSecond (an app client is part of its desk)',
      });
    }
    // API Gateway takes a regional custom domain's certificate from the API's own Region only.
    const certificateRegion = env.apiOriginDomain?.certificateArn.split(':')[3];
    if (env.region && certificateRegion && certificateRegion !== env.region) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiOriginDomain', 'certificateArn'],
        message: `must be an ACM certificate in the API's Region ${env.region}, not ${certificateRegion}`,
      });
    }
  });
export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;

/**
 * The API firewall's rate limits, per 5 minutes, sized from the desk quota unless configured: one IP (a
 * desk's office behind one NAT) may send what one desk may, never more; one bearer token (one user or app
 * client) half of that, so a single leaked or runaway token cannot use its whole desk's share.
 */
export function wafRateLimits(config: Pick<EnvironmentConfig, 'apiThrottle' | 'waf'>): {
  perToken: number;
  perIp: number;
} {
  const deskPer5Minutes = config.apiThrottle.perDeskPerSecond * WAF_WINDOW_SECONDS;
  return {
    perToken: config.waf.apiRequestsPerTokenPer5Minutes ?? Math.max(10, Math.floor(deskPer5Minutes / 2)),
    perIp: config.waf.apiRequestsPerIpPer5Minutes ?? Math.max(10, deskPer5Minutes),
  };
}

/** The parsed configuration the stacks receive. */
export interface DeploymentConfig extends EnvironmentConfig {
  /** Environment name, e.g. `dev`; part of every stack name so environments can share an account. */
  readonly envName: string;
}

const Environments = z.record(EnvironmentName, EnvironmentConfig);

/** Context values given with `-c key=value` arrive as strings; values from cdk.json arrive as JSON. */
function fromJsonIfString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describe(error: z.ZodError, key: string): string {
  return error.issues.map((issue) => `  ${[key, ...issue.path].join('.')}: ${issue.message}`).join('\n');
}

/** Parses the two context keys into a {@link DeploymentConfig}, throwing a {@link ConfigError} listing every problem. */
export function parseDeploymentConfig(envNameValue: unknown, environmentsValue: unknown): DeploymentConfig {
  const envName = EnvironmentName.safeParse(envNameValue);
  if (!envName.success) {
    throw new ConfigError(`Invalid CDK context 'tierdesk:env':\n${describe(envName.error, 'tierdesk:env')}`);
  }
  const environments = Environments.safeParse(fromJsonIfString(environmentsValue));
  if (!environments.success) {
    throw new ConfigError(
      `Invalid CDK context 'tierdesk:environments':\n${describe(environments.error, 'tierdesk:environments')}`,
    );
  }
  const selected = environments.data[envName.data];
  if (!selected) {
    const known = Object.keys(environments.data).join(', ') || '(none)';
    throw new ConfigError(
      `CDK context 'tierdesk:env' is '${envName.data}', but 'tierdesk:environments' only defines: ${known}`,
    );
  }
  return { envName: envName.data, ...selected };
}

/** Reads the configuration from an app's (or any construct's) context. */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  return parseDeploymentConfig(
    node.tryGetContext('tierdesk:env'),
    node.tryGetContext('tierdesk:environments'),
  );
}
