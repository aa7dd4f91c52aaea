/**
 * What a DSAR and a billing appeal share: a request a customer files once (a retried create returns
 * the same record), whose requester then proves who they are by a mailed one-time code or a lead's
 * attestation before anything personal or billing-related is released. Pure, but for the
 * idempotent create, which takes the idempotency port.
 */
import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { IdempotencyStore } from '../idempotency/ports.ts';
import { newId } from '../runtime/ids.ts';
import {
  ATTESTATION_METHODS,
  type AttestationMethod,
  attest,
  type IdentityCheck,
  issueCode,
  isVerified,
  submitCode,
} from './identity.ts';
import type { ComplianceRecordKind, ComplianceStore } from './ports.ts';
import type { recordRepository } from './record-repository.ts';
import {
  type Actor,
  nextVersion,
  type PendingNotice,
  type RecordBase,
  ROLE_RANK,
  withHistory,
  withNotice,
} from './records.ts';

/** A request whose requester's identity is checked: the record's own identity field and address. */
export interface VerifiableRecord extends RecordBase {
  requester: { email: string };
  identity: IdentityCheck;
}

/** How one kind of request names its audit entries and notices, and what verifying changes on it. */
export interface VerificationRules<R extends VerifiableRecord> {
  /** History actions are `<prefix>.verification-code-sent`, `.verification-failed`, `.identity-verified`. */
  actionPrefix: string;
  /** What "this request" is called in answers: "request", "appeal". */
  noun: string;
  /** The notice that carries a code to the requester. */
  codeNotice(record: R, code: string, expiresAt: string | null): Pick<PendingNotice, 'template' | 'params'>;
  /** Refuses a record that cannot be verified now (closed, or no check required). */
  assertVerifiable(record: R): void;
  /** The identity field as the record keeps it (an appeal marks its check as required). */
  identity(check: IdentityCheck): R['identity'];
  /** The record once its requester is verified (a DSAR moves to `verified`). */
  verified(record: R): R;
}

export type VerificationInput =
  | { code: string }
  | { attestation: { method: AttestationMethod; note: string } };

export const VerificationBody = z.union([
  z.strictObject({
    code: z.string().check(z.trim(), z.regex(/^\d{8}$/, 'the 8-digit code from the email')),
  }),
  z.strictObject({
    attestation: z.strictObject({
      method: z.enum(ATTESTATION_METHODS),
      note: z.string().check(z.trim(), z.minLength(10), z.maxLength(1000)),
    }),
  }),
]);

/** Codes are spent once verified or replaced: notices already queued keep no usable code. */
export function scrubCodes(notices: PendingNotice[]): PendingNotice[] {
  return notices.map((n) => ('code' in n.params ? { ...n, params: { ...n.params, code: null } } : n));
}

/** A new one-time code (the previous one stops working), mailed to the requester. */
export function resendVerificationCode<R extends VerifiableRecord>(
  rules: VerificationRules<R>,
  record: R,
  code: string,
  salt: string,
  by: Actor,
  now: Date,
): R {
  rules.assertVerifiable(record);
  const issued = issueCode(record.identity, code, salt, now);
  if (!issued.ok) {
    throw DomainError.conflict(
      issued.reason,
      issued.reason === 'already-verified'
        ? 'The requester is already verified.'
        : `No more codes can be sent for this ${rules.noun}; a lead can attest the identity instead.`,
    );
  }
  const at = now.toISOString();
  const next = withHistory(
    { ...nextVersion(record), identity: rules.identity(issued.check), notices: scrubCodes(record.notices) },
    {
      at,
      action: `${rules.actionPrefix}.verification-code-sent`,
      by,
      details: { expiresAt: issued.check.codeExpiresAt },
    },
  );
  return withNotice(next, {
    ...rules.codeNotice(record, code, issued.check.codeExpiresAt ?? null),
    audience: 'customer',
    to: record.requester.email,
    createdAt: at,
  });
}

/**
 * Verifies the requester by a code or a lead's attestation. A wrong code is recorded (attempts count)
 * and reported as `{ verified: false }`; the caller stores the record either way.
 */
export function verifyRequester<R extends VerifiableRecord>(
  rules: VerificationRules<R>,
  record: R,
  input: VerificationInput,
  by: Actor,
  now: Date,
): { record: R; verified: boolean; reason?: string } {
  rules.assertVerifiable(record);
  if (isVerified(record.identity))
    throw DomainError.conflict('already-verified', 'The requester is already verified.');
  const at = now.toISOString();
  const action = (what: string) => `${rules.actionPrefix}.${what}`;
  if ('attestation' in input) {
    if (ROLE_RANK[by.role] < ROLE_RANK.lead)
      throw DomainError.forbidden('Only a lead, manager or ops can attest a requester’s identity.');
    const identity = rules.identity(attest(record.identity, input.attestation, now, by));
    return {
      record: withHistory(
        rules.verified({ ...nextVersion(record), identity, notices: scrubCodes(record.notices) }),
        {
          at,
          action: action('identity-verified'),
          by,
          details: {
            method: 'staff-attestation',
            attestation: input.attestation.method,
            note: input.attestation.note,
          },
        },
      ),
      verified: true,
    };
  }
  const outcome = submitCode(record.identity, input.code, now, by);
  if (!outcome.ok) {
    const changed = outcome.check !== record.identity;
    const next = changed
      ? withHistory(
          { ...nextVersion(record), identity: rules.identity(outcome.check) },
          {
            at,
            action: action('verification-failed'),
            by,
            details: {
              reason: outcome.reason,
              attempts: outcome.check.attempts,
              locked: outcome.check.status === 'locked',
            },
          },
        )
      : record;
    return { record: next, verified: false, reason: outcome.reason };
  }
  return {
    record: withHistory(
      rules.verified({
        ...nextVersion(record),
        identity: rules.identity(outcome.check),
        notices: scrubCodes(record.notices),
      }),
      { at, action: action('identity-verified'), by, details: { method: 'one-time-code' } },
    ),
    verified: true,
  };
}

/** The answer to a code that did not verify: what the requester can do next. */
export function verificationRefused(reason: string | undefined, whenExpired: string): DomainError {
  return DomainError.conflict(
    `verification-${reason ?? 'failed'}`,
    reason === 'locked'
      ? 'Too many wrong codes: ask support to verify your identity another way.'
      : reason === 'expired'
        ? `The code has expired: ${whenExpired}`
        : 'That code is not right.',
  );
}

/**
 * The id of a request filed under an Idempotency-Key: a fresh id on the first call (or without a key),
 * the first call's id on a retry with the same request, a refusal when the key is reused for another.
 */
export async function requestIdFor(
  idempotency: IdempotencyStore,
  principal: Principal,
  scope: string,
  idem: { key: string; requestHash: string } | undefined,
  now: Date,
): Promise<string> {
  const freshId = newId(now);
  if (!idem) return freshId;
  const outcome = await idempotency.claimIdempotencyKey({
    desk: principal.desk,
    principalId: principal.id,
    scope,
    ...idem,
    resourceId: freshId,
    at: now.toISOString(),
  });
  if (outcome.kind === 'mismatch') throw DomainError.idempotencyKeyReused();
  return outcome.kind === 'replay' ? outcome.resourceId : freshId;
}

/**
 * A desk's requests of one kind as `principal` may list them: staff page through the desk's, newest
 * first; a customer gets their own, newest first. Filtered by status when asked.
 */
export async function listRequests<R extends VerifiableRecord & { status: string; receivedAt: string }, V>(
  records: ComplianceStore,
  kind: ComplianceRecordKind,
  principal: Principal,
  query: { status?: string | undefined; limit: number; cursor?: string | undefined },
  view: (record: R) => V,
  customersOnly: string,
): Promise<{ items: V[]; nextCursor: string | undefined }> {
  const wanted = (r: R) => !query.status || r.status === query.status;
  if (!isStaff(principal)) {
    if (principal.role !== 'customer' || !principal.email) throw DomainError.forbidden(customersOnly);
    const own = await records.listForRequester<R>(kind, principal.desk, principal.email);
    return {
      items: own
        .filter(wanted)
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
        .map(view),
      nextCursor: undefined,
    };
  }
  const page = await records.list<R>(kind, principal.desk, query.limit, query.cursor);
  return { items: page.items.filter(wanted).map(view), nextCursor: page.nextCursor };
}

/**
 * Applies what has come due on a request (reminders, escalation, stage changes): the deadline handler
 * and the sweep. Reports how many audit entries that added (0: nothing was due, or no such request).
 */
export async function applyDueDeadlines<R extends RecordBase>(
  repo: Pick<ReturnType<typeof recordRepository<R>>, 'get' | 'update'>,
  desk: string,
  id: string,
  apply: (record: R) => R,
): Promise<{ id: string; applied: number }> {
  const before = await repo.get(desk, id);
  if (!before) return { id, applied: 0 };
  const after = await repo.update(desk, id, apply);
  return { id, applied: after.history.length - before.history.length };
}
