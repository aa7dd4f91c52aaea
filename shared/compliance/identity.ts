/**
 * Identity verification before anything personal or billing-related is released: a one-time code
 * mailed to the requester's address (proves control of the mailbox now, which a stolen session does
 * not), or a lead's attestation of an out-of-band check (ID document, call-back to the number on file).
 *
 * Pure: the caller generates the code and salt (crypto) and passes `now`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor } from './records.ts';

/** A code is valid this long after it was issued. */
export const CODE_TTL_MS = 24 * 3600 * 1000;
/** Wrong codes before the code is locked and only a staff attestation can verify. */
export const MAX_CODE_ATTEMPTS = 5;
/** Codes a record may issue (the first plus re-sends). */
export const MAX_CODES_ISSUED = 5;
export const CODE_DIGITS = 8;

export const ATTESTATION_METHODS = ['id-document', 'call-back', 'account-match', 'in-person'] as const;
export type AttestationMethod = (typeof ATTESTATION_METHODS)[number];

export interface IdentityCheck {
  status: 'pending' | 'verified' | 'locked';
  method?: 'one-time-code' | 'staff-attestation';
  codeHash?: string;
  codeSalt?: string;
  codeExpiresAt?: string;
  attempts: number;
  codesIssued: number;
  verifiedAt?: string;
  verifiedBy?: Actor;
  attestation?: { method: AttestationMethod; note: string };
}

export function hashCode(code: string, salt: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

export function pendingCheck(): IdentityCheck {
  return { status: 'pending', attempts: 0, codesIssued: 0 };
}

/** Stores a new code's hash (the code itself goes only into the notice to the requester). */
export function issueCode(
  check: IdentityCheck,
  code: string,
  salt: string,
  now: Date,
): { ok: true; check: IdentityCheck } | { ok: false; reason: 'already-verified' | 'too-many-codes' } {
  if (check.status === 'verified') return { ok: false, reason: 'already-verified' };
  if (check.codesIssued >= MAX_CODES_ISSUED) return { ok: false, reason: 'too-many-codes' };
  return {
    ok: true,
    check: {
      ...check,
      status: 'pending',
      codeHash: hashCode(code, salt),
      codeSalt: salt,
      codeExpiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
      attempts: 0,
      codesIssued: check.codesIssued + 1,
    },
  };
}

export type CodeOutcome =
  | { ok: true; check: IdentityCheck }
  | {
      ok: false;
      check: IdentityCheck;
      reason: 'wrong-code' | 'expired' | 'locked' | 'no-code' | 'already-verified';
    };

/** Checks a submitted code. Wrong attempts count; the fifth locks the code. */
export function submitCode(check: IdentityCheck, code: string, now: Date, by: Actor): CodeOutcome {
  if (check.status === 'verified') return { ok: false, check, reason: 'already-verified' };
  if (check.status === 'locked') return { ok: false, check, reason: 'locked' };
  if (!check.codeHash || !check.codeSalt || !check.codeExpiresAt)
    return { ok: false, check, reason: 'no-code' };
  if (now.getTime() > Date.parse(check.codeExpiresAt)) return { ok: false, check, reason: 'expired' };
  const expected = Buffer.from(check.codeHash, 'hex');
  const actual = Buffer.from(hashCode(code.trim(), check.codeSalt), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    const attempts = check.attempts + 1;
    return {
      ok: false,
      check: { ...check, attempts, status: attempts >= MAX_CODE_ATTEMPTS ? 'locked' : 'pending' },
      reason: 'wrong-code',
    };
  }
  return { ok: true, check: verified(check, 'one-time-code', now, by) };
}

/** A lead (or above) records how they checked the requester's identity out of band. */
export function attest(
  check: IdentityCheck,
  attestation: { method: AttestationMethod; note: string },
  now: Date,
  by: Actor,
): IdentityCheck {
  return { ...verified(check, 'staff-attestation', now, by), attestation };
}

function verified(
  check: IdentityCheck,
  method: 'one-time-code' | 'staff-attestation',
  now: Date,
  by: Actor,
): IdentityCheck {
  const { codeHash: _h, codeSalt: _s, codeExpiresAt: _e, ...rest } = check;
  return { ...rest, status: 'verified', method, verifiedAt: now.toISOString(), verifiedBy: by };
}

export const isVerified = (check: IdentityCheck) => check.status === 'verified';
