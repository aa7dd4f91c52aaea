import * as z from '#shared/validation/zod.ts';
import { NATIONAL_ID_SCHEMES, PII_KINDS } from './pii-detectors.ts';

/**
 * The privacy part of a policy pack (`privacy` in shared/policy/schema.ts): which data staff may open
 * only with the customer's consent, and what is redacted from what the customer is sent.
 */

/**
 * Data a pack may mark private. `attachments`: files that came with messages and files filed under the
 * `attachments` class; `diagnostic-logs`: log extracts the customer uploaded (both diagnostic classes);
 * `call-recordings`; `screen-sharing`: a live session, which tierdesk does not store but records each
 * start of.
 */
export const PRIVATE_DATA_CLASSES = [
  'attachments',
  'diagnostic-logs',
  'call-recordings',
  'screen-sharing',
] as const;
export const PrivateDataClass = z.enum(PRIVATE_DATA_CLASSES);
export type PrivateDataClass = z.infer<typeof PrivateDataClass>;

export const ConsentPolicy = z
  .strictObject({
    /** What staff see only under the customer's live consent. */
    privateClasses: z.array(PrivateDataClass).check(z.minLength(1)),
    /** What a request covers when the agent names nothing. */
    defaultScope: z.array(PrivateDataClass).check(z.minLength(1)),
    /** How long a grant lasts from the customer's decision. */
    grantHours: z.number().check(z.int(), z.minimum(1), z.maximum(720)),
    /** How long a request (and the links in its mail) can be answered. */
    requestHours: z.number().check(z.int(), z.minimum(1), z.maximum(720)),
    /** The least staff role that may ask: `agent` (agents, leads, managers) or `lead` (leads and managers). */
    requestedBy: z.enum(['agent', 'lead']),
    source: z.string(),
  })
  .check(
    z.superRefine((policy, ctx) => {
      policy.defaultScope.forEach((c, i) => {
        if (!policy.privateClasses.includes(c)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${c}" is not a private class`,
            path: ['defaultScope', i],
          });
        }
      });
    }),
  );
export type ConsentPolicy = z.infer<typeof ConsentPolicy>;

export const RedactionPolicy = z.strictObject({
  /** What is looked for in public agent replies and customer mail. */
  kinds: z.array(z.enum(PII_KINDS)).check(z.minLength(1)),
  /** National identifier formats of the desk's regions (with `national-id`). */
  nationalIds: z.array(z.enum(NATIONAL_ID_SCHEMES)),
  source: z.string(),
});
export type RedactionPolicy = z.infer<typeof RedactionPolicy>;

export const PrivacyPolicy = z.strictObject({
  consent: z.optional(ConsentPolicy),
  redaction: z.optional(RedactionPolicy),
});
export type PrivacyPolicy = z.infer<typeof PrivacyPolicy>;
