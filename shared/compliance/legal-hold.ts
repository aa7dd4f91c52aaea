/**
 * Legal holds: a ticket or a requester under hold is exempt from every purge and from DSAR erasure
 * (GDPR Art. 17(3)(e): data needed for legal claims). Only a lead or above sets or releases a hold,
 * with a reason, and both are audited.
 *
 * A hold's id derives from what it covers, so setting a hold twice finds the same record and the
 * purge can look a hold up by key: `tk-<ticket id>`, or `rq-<hash>` for a requester (the hash keeps the
 * address out of URLs and access logs).
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../errors/domain-error.ts';
import { type Actor, nextVersion, type RecordBase, ROLE_RANK, withHistory } from './records.ts';

export type HoldSubject = { kind: 'ticket'; ticketId: string } | { kind: 'requester'; email: string };

export interface LegalHold extends RecordBase {
  subject: HoldSubject;
  status: 'active' | 'released';
  reason: string;
  /** A case number or matter reference. */
  reference?: string;
  setAt: string;
  setBy: Actor;
  releasedAt?: string;
  releasedBy?: Actor;
  releaseReason?: string;
}

export function requesterHoldId(desk: string, email: string): string {
  return `rq-${createHash('sha256').update(`${desk}\n${email.toLowerCase()}`).digest('hex').slice(0, 32)}`;
}

export function holdIdFor(desk: string, subject: HoldSubject): string {
  return subject.kind === 'ticket' ? `tk-${subject.ticketId}` : requesterHoldId(desk, subject.email);
}

export function assertCanManageHolds(actor: Actor): void {
  if (ROLE_RANK[actor.role] < ROLE_RANK.lead) {
    throw DomainError.forbidden('Only a lead, manager or ops can set or release a legal hold.');
  }
}

const subjectDetails = (subject: HoldSubject) =>
  subject.kind === 'ticket' ? { subject: 'ticket', ticketId: subject.ticketId } : { subject: 'requester' };

/**
 * Sets a hold, or re-activates a released one (same id). Setting an active hold again only records
 * the new reason in its history.
 */
export function setHold(input: {
  desk: string;
  existing: LegalHold | undefined;
  subject: HoldSubject;
  reason: string;
  reference?: string | undefined;
  by: Actor;
  now: Date;
}): LegalHold {
  const { desk, existing, subject, reason, reference, by, now } = input;
  assertCanManageHolds(by);
  const at = now.toISOString();
  const base: LegalHold = existing
    ? nextVersion(existing)
    : {
        id: holdIdFor(desk, subject),
        desk,
        version: 1,
        history: [],
        notices: [],
        subject,
        status: 'active',
        reason,
        setAt: at,
        setBy: by,
      };
  const {
    releasedAt: _ra,
    releasedBy: _rb,
    releaseReason: _rr,
    ...active
  } = { ...base, subject, status: 'active' as const, reason, setAt: at, setBy: by };
  const hold: LegalHold = { ...active, ...(reference ? { reference } : {}) };
  return withHistory(hold, {
    at,
    action: existing?.status === 'active' ? 'legal-hold.renewed' : 'legal-hold.set',
    by,
    details: { ...subjectDetails(subject), reason, reference },
  });
}

export function releaseHold(hold: LegalHold, reason: string, by: Actor, now: Date): LegalHold {
  assertCanManageHolds(by);
  if (hold.status !== 'active')
    throw DomainError.conflict('hold-not-active', 'This legal hold is already released.');
  const at = now.toISOString();
  return withHistory(
    { ...nextVersion(hold), status: 'released', releasedAt: at, releasedBy: by, releaseReason: reason },
    { at, action: 'legal-hold.released', by, details: { ...subjectDetails(hold.subject), reason } },
  );
}

export const isActive = (hold: LegalHold | undefined) => hold?.status === 'active';
