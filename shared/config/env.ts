import { z } from 'zod';

/** Environment every API handler needs, parsed once at cold start (CONVENTIONS §3). */
export const ApiEnv = z.object({
  TABLE_NAME: z.string().min(3),
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  BODY_BUCKET: z.string().min(3),
  JWKS_URL: z.url(),
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  /** Path-style S3 addressing, for S3-compatible endpoints that have no virtual-host DNS. */
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
});
export type ApiEnv = z.infer<typeof ApiEnv>;

/** Environment of the SLA workflow's task functions and the reconciler. */
export const WorkflowEnv = z.object({
  TABLE_NAME: z.string().min(3),
  STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  /** Desks the reconciler sweeps, comma-separated. */
  DESKS: z.string().regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/),
});
export type WorkflowEnv = z.infer<typeof WorkflowEnv>;

export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const missing = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${missing}`);
  }
  return result.data;
}
