import * as z from '#shared/validation/zod.ts';

/** Environment every API handler needs, parsed once at cold start (failing fast with a clear error, never an `undefined` at run time). */
export const ApiEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
  BODY_BUCKET: z.string().check(z.minLength(3)),
  JWKS_URL: z.url(),
  JWT_ISSUER: z.string().check(z.minLength(1)),
  JWT_AUDIENCE: z.string().check(z.minLength(1)),
  /** Longest bearer-token lifetime accepted, in seconds (Cognito issues at most one day). */
  TOKEN_MAX_LIFETIME_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(300), z.maximum(86_400)),
    86_400,
  ),
  /** Path-style S3 addressing, for S3-compatible endpoints that have no virtual-host DNS. */
  S3_FORCE_PATH_STYLE: z._default(z.enum(['true', 'false']), 'false'),
  /** The Cognito user pool, read as the staff directory (who may be a ticket's assignee). */
  USER_POOL_ID: z.string().check(z.regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'a Cognito user pool id')),
  /** Requests per second one desk may send in all (shared/quota/desk-quota.ts); infra sets it from the config. */
  DESK_QUOTA_PER_SECOND: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10_000)), 20),
  /** Requests per second one app client of a desk may send. */
  APP_CLIENT_QUOTA_PER_SECOND: z._default(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10_000)),
    5,
  ),
});
export type ApiEnv = z.infer<typeof ApiEnv>;

/** Environment of the SLA workflow's task functions and the reconciler. */
export const WorkflowEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
  /** Desks the reconciler sweeps, comma-separated. */
  DESKS: z.string().check(z.regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/)),
});
export type WorkflowEnv = z.infer<typeof WorkflowEnv>;

/**
 * A Secrets Manager secret holding a signing keyring (`{"current","previous"}`, shared/secrets/keyring.ts),
 * by ARN or name: the function reads it at run time (cached), so the value is never in its environment.
 */
const SecretId = z.string().check(z.minLength(1), z.maxLength(2048));

/** The closure survey's public routes: no token; the link's HMAC under the survey keyring is the credential. */
export const SurveyEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  SURVEY_SECRET_ID: SecretId,
});
export type SurveyEnv = z.infer<typeof SurveyEnv>;

/** The public status feeds: absolute links need the URL customers reach the API at. */
export const StatusFeedEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  PUBLIC_BASE_URL: z.url(),
});
export type StatusFeedEnv = z.infer<typeof StatusFeedEnv>;

/** The post-incident review sweep (scheduled). */
export const IncidentSweepEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  /** Desks the sweep covers, comma-separated. */
  DESKS: z.string().check(z.regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/)),
});
export type IncidentSweepEnv = z.infer<typeof IncidentSweepEnv>;

/**
 * Signs and verifies the thread tokens in our reply addresses and Message-IDs (shared/mail/thread-token.ts):
 * the secret with the thread keyring (its previous key only verifies, for the overlap window of a rotation).
 */
const ThreadTokenEnv = {
  THREAD_TOKEN_SECRET_ID: SecretId,
};

/** Inbound email (functions/mail/receive-email.ts): the receipt rule's bucket, the table, bodies, workflows. */
export const MailInboundEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  BODY_BUCKET: z.string().check(z.minLength(3)),
  /** The bucket SES's receipt rule writes raw MIME to (under `inbound/<desk>/`). */
  MAIL_BUCKET: z.string().check(z.minLength(3)),
  STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
  S3_FORCE_PATH_STYLE: z._default(z.enum(['true', 'false']), 'false'),
  ...ThreadTokenEnv,
});
export type MailInboundEnv = z.infer<typeof MailInboundEnv>;

/** Outbound email (the SLA workflow's Apply step and the outbound sweep). */
export const MailOutboundEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  /** Reply bodies longer than the inline limit are read from here. */
  BODY_BUCKET: z.string().check(z.minLength(3)),
  S3_FORCE_PATH_STYLE: z._default(z.enum(['true', 'false']), 'false'),
  /** Where customers open links from mail (the CSAT survey), e.g. https://support.example.com. */
  PUBLIC_BASE_URL: z.url(),
  /** Signs the survey links (shared/survey/link.ts). */
  SURVEY_SECRET_ID: SecretId,
  /** Desks the outbound sweep looks at, comma-separated. */
  DESKS: z.string().check(z.regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/)),
  ...ThreadTokenEnv,
});
export type MailOutboundEnv = z.infer<typeof MailOutboundEnv>;

/**
 * Staff's suspended-mail routes (functions/mail/*-suspended-mail.ts): releasing reads the raw mail
 * from the receipt rule's bucket and writes the ticket as the inbound function does.
 */
export const SuspendedMailEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  BODY_BUCKET: z.string().check(z.minLength(3)),
  MAIL_BUCKET: z.string().check(z.minLength(3)),
  STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
  S3_FORCE_PATH_STYLE: z._default(z.enum(['true', 'false']), 'false'),
});

/** SES bounce and complaint feedback (functions/mail/handle-feedback.ts). */
export const MailFeedbackEnv = z.object({ TABLE_NAME: z.string().check(z.minLength(3)) });

/** Cognito's pre-token-generation trigger (functions/auth/pre-token-generation.ts): Lambda's own variables. */
export const PreTokenTriggerEnv = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  AWS_ACCESS_KEY_ID: z.string().check(z.minLength(1)),
  AWS_SECRET_ACCESS_KEY: z.string().check(z.minLength(1)),
  AWS_SESSION_TOKEN: z.optional(z.string()),
  /** The SDK's endpoint override for Cognito user pools; tests point it at a stand-in. */
  AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: z.optional(z.url()),
});
export type PreTokenTriggerEnv = z.infer<typeof PreTokenTriggerEnv>;

/** Compliance handlers (DSAR, billing appeals, legal holds, retention): the table and the bodies bucket. */
export const ComplianceEnv = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  BODY_BUCKET: z.string().check(z.minLength(3)),
  S3_FORCE_PATH_STYLE: z._default(z.enum(['true', 'false']), 'false'),
});
export type ComplianceEnv = z.infer<typeof ComplianceEnv>;

/** Compliance jobs (retention purge, deadline sweep) run for these desks. */
export const ComplianceJobsEnv = z.extend(ComplianceEnv, {
  DESKS: z.string().check(z.regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/)),
});

/**
 * Where per-item deadline schedules go (EventBridge Scheduler): the group, the role Scheduler assumes
 * to invoke the deadline function, that function, and the queue for events it could not deliver.
 * Read when a handler first schedules; handlers that never schedule need none of it.
 */
export const ComplianceSchedulerEnv = z.object({
  COMPLIANCE_SCHEDULE_GROUP: z.string().check(z.regex(/^[0-9A-Za-z_.-]{1,64}$/)),
  COMPLIANCE_SCHEDULER_ROLE_ARN: z.string().check(z.startsWith('arn:')),
  COMPLIANCE_DEADLINE_FUNCTION_ARN: z.string().check(z.startsWith('arn:')),
  COMPLIANCE_SCHEDULE_DLQ_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
});
export type ComplianceSchedulerEnv = z.infer<typeof ComplianceSchedulerEnv>;

export function parseEnv<T extends z.ZodMiniType>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const missing = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${missing}`);
  }
  return result.data;
}
