/**
 * Data subject requests (GDPR Art. 15 access, Art. 17 erasure): intake, identity verification, due
 * date, one extension, reminders, escalation when overdue, fulfilment. Each step is a pure function
 * from the request to its next version, with the history entry and notices the step owes.
 *
 * Due date: one calendar month after receipt (Art. 12(3)), clamped to the month's end (received
 * 31 January → due 28/29 February), same local wall-clock time in the desk's zone. A pack may be
 * stricter (RCH SpyFocus: 30 days): the earlier instant wins, never the later. One extension of up
 * to two further months, with a recorded reason, before the original due date, where the pack allows
 * one (RCH SpyFocus does not).
 */
import * as z from '#shared/validation/zod.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { PolicyPack } from '../policy/schema.ts';
import { addCalendarDays, addCalendarMonths } from '../sla/calendar.ts';
import { Email } from '../tickets/model.ts';
import { type DsarProgress, isJobRunning } from './dsar-progress.ts';
import { addPolicyDuration, describeDuration, type PolicyDuration, zoneOf } from './durations.ts';
import { type IdentityCheck, issueCode, isVerified, pendingCheck } from './identity.ts';
import { type Actor, nextVersion, type RecordBase, ROLE_RANK, withHistory, withNotice } from './records.ts';
import {
  resendVerificationCode,
  scrubCodes,
  VerificationBody,
  type VerificationInput,
  type VerificationRules,
  verifyRequester,
} from './verifiable-request.ts';

export const DSAR_KINDS = ['access', 'erasure'] as const;
export type DsarKind = (typeof DSAR_KINDS)[number];
export const DSAR_CHANNELS = ['api', 'email', 'phone', 'letter', 'chat'] as const;
export type DsarChannel = (typeof DSAR_CHANNELS)[number];
export const DSAR_STATUSES = ['awaiting-verification', 'verified', 'fulfilled', 'rejected'] as const;
export type DsarStatus = (typeof DSAR_STATUSES)[number];

/** Staff may record a request that arrived earlier (a letter, a phone call) up to this far back. */
export const MAX_BACKDATE_DAYS = 90;

export interface DsarExportRecord {
  objectKey: string;
  bytes: number;
  sha256: string;
  readyAt: string;
  approvedBy: Actor;
  counts: { tickets: number; messages: number; attachments: number; billingAppeals: number; dsars: number };
}

export interface DsarErasureRecord {
  startedAt: string;
  by: Actor;
  finishedAt?: string;
  counts: {
    tickets: number;
    messages: number;
    attachments: number;
    objects: number;
    billingAppeals: number;
    otherRequests: number;
  };
  /** Tickets left untouched because a legal hold covers them (Art. 17(3)(e)). */
  keptUnderLegalHold: string[];
}

export interface Dsar extends RecordBase {
  kind: DsarKind;
  channel: DsarChannel;
  requester: { email: string; name?: string };
  receivedAt: string;
  filedBy: Actor;
  status: DsarStatus;
  identity: IdentityCheck;
  dueAt: string;
  originalDueAt: string;
  /** Why the due date is what it is, in words (shown to staff and auditors). */
  dueRule: string;
  extension?: { months: number; reason: string; at: string; by: Actor; previousDueAt: string };
  overdueSince?: string;
  /** Deadline actions already applied (reminders, escalation); each once. */
  appliedDeadlines: string[];
  export?: DsarExportRecord;
  erasure?: DsarErasureRecord;
  /** A batched export or erasure: how far it is (processed of total tickets) and where it resumes. */
  progress?: DsarProgress;
  rejection?: { reason: string; at: string; by: Actor };
  fulfilledAt?: string;
  /** Email intake: the Message-ID the request arrived with (one request per message). */
  sourceMessageId?: string;
  /** True once an erasure replaced the requester's address on this record. */
  requesterErased?: boolean;
}

export const GDPR_DUE: PolicyDuration = { amount: 1, unit: 'calendar-months' };
const GDPR_EXTENSION = { by: { amount: 2, unit: 'calendar-months' as const }, reasonRequired: true };
const DEFAULT_REMINDER_DAYS = [7, 2];

export interface DsarPolicy {
  due: PolicyDuration;
  extension: { by: PolicyDuration; reasonRequired: boolean } | null;
  reminderDaysBeforeDue: number[];
  origin: 'pack' | 'product-default';
}

/** The pack's DSAR rules, or the GDPR baseline for a desk whose pack has none. */
export function dsarPolicy(pack: PolicyPack | undefined): DsarPolicy {
  const dsar = pack?.dsar;
  if (!dsar) {
    return {
      due: GDPR_DUE,
      extension: GDPR_EXTENSION,
      reminderDaysBeforeDue: DEFAULT_REMINDER_DAYS,
      origin: 'product-default',
    };
  }
  return {
    due: dsar.due,
    extension: dsar.extension,
    reminderDaysBeforeDue: dsar.reminderDaysBeforeDue ?? DEFAULT_REMINDER_DAYS,
    origin: 'pack',
  };
}

/** The due date: one calendar month after receipt, or the pack's period where that is earlier. */
export function dsarDueAt(pack: PolicyPack | undefined, receivedAt: Date): { dueAt: Date; rule: string } {
  const policy = dsarPolicy(pack);
  const month = addCalendarMonths(zoneOf(pack), receivedAt, 1);
  const isMonth = policy.due.unit === 'calendar-months' && policy.due.amount === 1;
  if (isMonth) return { dueAt: month, rule: 'one calendar month after receipt (GDPR Art. 12(3))' };
  const byPack = addPolicyDuration(pack, receivedAt, policy.due);
  if (byPack.getTime() < month.getTime()) {
    return {
      dueAt: byPack,
      rule: `${describeDuration(policy.due)} after receipt (desk policy; earlier than one calendar month)`,
    };
  }
  return {
    dueAt: month,
    rule: `one calendar month after receipt (GDPR Art. 12(3); earlier than the desk's ${describeDuration(policy.due)})`,
  };
}

const isOpen = (d: Dsar) => d.status === 'awaiting-verification' || d.status === 'verified';

function assertLead(by: Actor, what: string) {
  if (ROLE_RANK[by.role] < ROLE_RANK.lead)
    throw DomainError.forbidden(`Only a lead, manager or ops can ${what}.`);
}

function assertOpen(dsar: Dsar) {
  if (!isOpen(dsar)) throw DomainError.conflict('dsar-closed', `This request is already ${dsar.status}.`);
}

export const DsarRequesterBody = z.strictObject({
  email: Email,
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
});

export function openDsar(input: {
  id: string;
  desk: string;
  kind: DsarKind;
  channel: DsarChannel;
  requester: { email: string; name?: string | undefined };
  receivedAt: Date;
  filedBy: Actor;
  pack: PolicyPack | undefined;
  now: Date;
  code: string;
  salt: string;
  sourceMessageId?: string | undefined;
}): Dsar {
  const { now, receivedAt, pack } = input;
  if (receivedAt.getTime() > now.getTime()) {
    throw DomainError.validation([{ pointer: '/receivedAt', detail: 'cannot be in the future' }]);
  }
  if (now.getTime() - receivedAt.getTime() > MAX_BACKDATE_DAYS * 86_400_000) {
    throw DomainError.validation([
      { pointer: '/receivedAt', detail: `at most ${MAX_BACKDATE_DAYS} days ago` },
    ]);
  }
  const { dueAt, rule } = dsarDueAt(pack, receivedAt);
  const issued = issueCode(pendingCheck(), input.code, input.salt, now);
  if (!issued.ok) throw new Error('a new identity check cannot refuse a code');
  const at = now.toISOString();
  const requester = {
    email: input.requester.email,
    ...(input.requester.name ? { name: input.requester.name } : {}),
  };
  let dsar: Dsar = {
    id: input.id,
    desk: input.desk,
    version: 1,
    history: [],
    notices: [],
    kind: input.kind,
    channel: input.channel,
    requester,
    receivedAt: receivedAt.toISOString(),
    filedBy: input.filedBy,
    status: 'awaiting-verification',
    identity: issued.check,
    dueAt: dueAt.toISOString(),
    originalDueAt: dueAt.toISOString(),
    dueRule: rule,
    appliedDeadlines: [],
    ...(input.sourceMessageId ? { sourceMessageId: input.sourceMessageId } : {}),
  };
  dsar = withHistory(dsar, {
    at,
    action: 'dsar.received',
    by: input.filedBy,
    details: {
      kind: input.kind,
      channel: input.channel,
      receivedAt: dsar.receivedAt,
      dueAt: dsar.dueAt,
      dueRule: rule,
    },
  });
  dsar = withHistory(dsar, {
    at,
    action: 'dsar.verification-code-sent',
    by: input.filedBy,
    details: { expiresAt: issued.check.codeExpiresAt },
  });
  dsar = withNotice(dsar, {
    template: 'dsar-received',
    audience: 'customer',
    to: requester.email,
    createdAt: at,
    params: { dsarId: dsar.id, kind: dsar.kind, dueAt: dsar.dueAt },
  });
  dsar = withNotice(dsar, {
    template: 'dsar-verification-code',
    audience: 'customer',
    to: requester.email,
    createdAt: at,
    params: { dsarId: dsar.id, code: input.code, expiresAt: issued.check.codeExpiresAt ?? null },
  });
  return withNotice(dsar, {
    template: 'dsar-new-request',
    audience: 'lead',
    createdAt: at,
    params: { dsarId: dsar.id, kind: dsar.kind, channel: dsar.channel, dueAt: dsar.dueAt },
  });
}

/** How a DSAR is verified: its audit actions, its code notice, and `verified` once the requester is. */
const DSAR_VERIFICATION: VerificationRules<Dsar> = {
  actionPrefix: 'dsar',
  noun: 'request',
  codeNotice: (dsar, code, expiresAt) => ({
    template: 'dsar-verification-code',
    params: { dsarId: dsar.id, code, expiresAt },
  }),
  assertVerifiable: assertOpen,
  identity: (check) => check,
  verified: (dsar) => ({ ...dsar, status: 'verified' }),
};

export { VerificationBody };

/** A new one-time code (the previous one stops working). */
export function resendDsarCode(dsar: Dsar, code: string, salt: string, by: Actor, now: Date): Dsar {
  return resendVerificationCode(DSAR_VERIFICATION, dsar, code, salt, by, now);
}

/**
 * Verifies the requester's identity. A wrong code is recorded (attempts count) and reported as
 * `{ verified: false }`; the caller stores the record either way.
 */
export function verifyDsarIdentity(
  dsar: Dsar,
  input: VerificationInput,
  by: Actor,
  now: Date,
): { dsar: Dsar; verified: boolean; reason?: string } {
  const { record, ...outcome } = verifyRequester(DSAR_VERIFICATION, dsar, input, by, now);
  return { dsar: record, ...outcome };
}

export const ExtensionBody = z.strictObject({
  months: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(2)), 2),
  reason: z.string().check(z.trim(), z.minLength(10), z.maxLength(1000)),
});

/** One extension of up to two months (where the pack allows one), before the original due date. */
export function extendDsar(
  dsar: Dsar,
  pack: PolicyPack | undefined,
  input: { months: number; reason: string },
  by: Actor,
  now: Date,
): Dsar {
  assertLead(by, 'extend a data subject request');
  assertOpen(dsar);
  const policy = dsarPolicy(pack);
  if (!policy.extension) {
    throw DomainError.conflict(
      'extension-not-allowed',
      `${pack?.name ?? 'This desk'}'s policy allows no extension: the request is due ${dsar.dueAt}.`,
    );
  }
  if (dsar.extension) throw DomainError.conflict('already-extended', 'A request can be extended once.');
  if (now.getTime() > Date.parse(dsar.dueAt)) {
    throw DomainError.conflict(
      'overdue',
      'The request is already overdue; an extension must be decided before the due date.',
    );
  }
  const maxMonths = policy.extension.by.unit === 'calendar-months' ? policy.extension.by.amount : 2;
  if (input.months > maxMonths) {
    throw DomainError.validation([
      { pointer: '/months', detail: `at most ${maxMonths} under this desk's policy` },
    ]);
  }
  const dueAt = addCalendarMonths(zoneOf(pack), new Date(dsar.dueAt), input.months).toISOString();
  const at = now.toISOString();
  const next = withHistory(
    {
      ...nextVersion(dsar),
      dueAt,
      extension: { months: input.months, reason: input.reason, at, by, previousDueAt: dsar.dueAt },
    },
    {
      at,
      action: 'dsar.extended',
      by,
      details: { months: input.months, reason: input.reason, previousDueAt: dsar.dueAt, dueAt },
    },
  );
  return withNotice(next, {
    template: 'dsar-extended',
    audience: 'customer',
    to: dsar.requester.email,
    createdAt: at,
    params: { dsarId: dsar.id, dueAt, reason: input.reason },
  });
}

export interface DsarDeadline {
  id: string;
  at: string;
  kind: 'reminder' | 'overdue';
  daysBefore?: number;
}

/** Reminders before the due date and the overdue escalation, for the current due date. */
export function dsarDeadlines(dsar: Dsar, pack: PolicyPack | undefined): DsarDeadline[] {
  const zone = zoneOf(pack);
  const due = new Date(dsar.dueAt);
  const reminders = [...new Set(dsarPolicy(pack).reminderDaysBeforeDue)]
    .sort((a, b) => b - a)
    .map((days) => ({
      id: `reminder:${days}d:${dsar.dueAt}`,
      at: addCalendarDays(zone, due, -days).toISOString(),
      kind: 'reminder' as const,
      daysBefore: days,
    }))
    .filter((r) => r.at > dsar.receivedAt);
  return [...reminders, { id: `overdue:${dsar.dueAt}`, at: dsar.dueAt, kind: 'overdue' }];
}

/** The next instant a deadline action falls due, or null (closed, or every action applied). */
export function nextDsarDeadline(dsar: Dsar, pack: PolicyPack | undefined): string | null {
  if (!isOpen(dsar)) return null;
  const pending = dsarDeadlines(dsar, pack)
    .filter((d) => !dsar.appliedDeadlines.includes(d.id))
    .map((d) => d.at);
  // A running export or erasure continues at its own instant, through the same schedule.
  if (isJobRunning(dsar)) pending.push(dsar.progress!.continueAt);
  return pending.length ? pending.sort()[0]! : null;
}

/**
 * Applies every deadline that has come due and was not applied yet. When several fall due at once
 * (the schedule was late, the clock jumped), staff get one notice: the overdue escalation, else the
 * latest reminder. Returns the same object when nothing was due.
 */
export function applyDsarDeadlines(dsar: Dsar, pack: PolicyPack | undefined, now: Date): Dsar {
  if (!isOpen(dsar)) return dsar;
  const nowIso = now.toISOString();
  const due = dsarDeadlines(dsar, pack).filter(
    (d) => !dsar.appliedDeadlines.includes(d.id) && d.at <= nowIso,
  );
  if (!due.length) return dsar;
  const by: Actor = { id: 'compliance-scheduler', role: 'system' };
  let next: Dsar = {
    ...nextVersion(dsar),
    appliedDeadlines: [...dsar.appliedDeadlines, ...due.map((d) => d.id)],
  };
  const overdue = due.find((d) => d.kind === 'overdue');
  if (overdue) {
    next = withHistory(
      { ...next, overdueSince: overdue.at },
      {
        at: nowIso,
        action: 'dsar.overdue-escalated',
        by,
        details: { dueAt: dsar.dueAt, status: dsar.status },
      },
    );
    return withNotice(next, {
      template: 'dsar-overdue',
      audience: 'manager',
      createdAt: nowIso,
      params: { dsarId: dsar.id, kind: dsar.kind, dueAt: dsar.dueAt, status: dsar.status },
    });
  }
  const latest = due[due.length - 1]!;
  next = withHistory(next, {
    at: nowIso,
    action: 'dsar.reminder-sent',
    by,
    details: { dueAt: dsar.dueAt, daysBefore: latest.daysBefore ?? null, skipped: due.length - 1 },
  });
  return withNotice(next, {
    template: 'dsar-due-soon',
    audience: 'lead',
    createdAt: nowIso,
    params: {
      dsarId: dsar.id,
      kind: dsar.kind,
      dueAt: dsar.dueAt,
      daysBefore: latest.daysBefore ?? null,
      status: dsar.status,
    },
  });
}

export function assertReadyToFulfil(dsar: Dsar, kind: DsarKind, by: Actor): void {
  assertLead(by, kind === 'access' ? 'approve a data export' : 'carry out an erasure');
  assertOpen(dsar);
  if (dsar.kind !== kind) {
    throw DomainError.conflict(
      'wrong-kind',
      `This is ${dsar.kind === 'access' ? 'an access' : 'an erasure'} request.`,
    );
  }
  if (!isVerified(dsar.identity)) {
    throw DomainError.conflict(
      'identity-not-verified',
      'Nothing is released or erased before the requester’s identity is verified.',
    );
  }
}

/** Access fulfilled: the bundle is stored; the approver is recorded (RCH: "log any data exports with … approver identity"). */
export function recordDsarExport(dsar: Dsar, exported: DsarExportRecord, now: Date): Dsar {
  const at = now.toISOString();
  const next = withHistory(
    { ...nextVersion(dsar), status: 'fulfilled' as const, fulfilledAt: at, export: exported },
    {
      at,
      action: 'dsar.exported',
      by: exported.approvedBy,
      details: {
        approvedBy: exported.approvedBy.id,
        bytes: exported.bytes,
        sha256: exported.sha256,
        tickets: exported.counts.tickets,
        messages: exported.counts.messages,
        attachments: exported.counts.attachments,
        billingAppeals: exported.counts.billingAppeals,
        onTime: at <= dsar.dueAt,
      },
    },
  );
  return withNotice(next, {
    template: 'dsar-export-ready',
    audience: 'customer',
    to: dsar.requester.email,
    createdAt: at,
    params: { dsarId: dsar.id },
  });
}

export function recordExportDownload(dsar: Dsar, by: Actor, now: Date): Dsar {
  return withHistory(nextVersion(dsar), {
    at: now.toISOString(),
    action: 'dsar.export-downloaded',
    by,
    details: { sha256: dsar.export?.sha256 ?? null },
  });
}

export function startDsarErasure(dsar: Dsar, by: Actor, now: Date): Dsar {
  if (dsar.erasure && !dsar.erasure.finishedAt) return dsar; // resuming an interrupted erasure
  const at = now.toISOString();
  return withHistory(
    {
      ...nextVersion(dsar),
      erasure: {
        startedAt: at,
        by,
        counts: { tickets: 0, messages: 0, attachments: 0, objects: 0, billingAppeals: 0, otherRequests: 0 },
        keptUnderLegalHold: [],
      },
    },
    { at, action: 'dsar.erasure-started', by },
  );
}

/** The address an erased requester's records carry instead of theirs: anonymous, but tied to the request. */
export function erasedPlaceholder(dsarId: string): string {
  return `erased-${dsarId.toLowerCase()}@erased.invalid`;
}

/**
 * Erasure done: the request itself forgets the requester (address replaced, name dropped, codes and
 * addresses gone from its notices). The one notice that tells them it is done keeps their address
 * until the mail sender delivers it (`markNoticeSent` removes it).
 */
export function finishDsarErasure(dsar: Dsar, now: Date): Dsar {
  if (!dsar.erasure) throw new Error('erasure not started');
  const at = now.toISOString();
  const email = dsar.requester.email;
  const notices = scrubCodes(dsar.notices).map((n) => {
    const { to: _to, ...rest } = n;
    return rest;
  });
  const next = withHistory(
    {
      ...nextVersion(dsar),
      status: 'fulfilled' as const,
      fulfilledAt: at,
      requester: { email: erasedPlaceholder(dsar.id) },
      requesterErased: true,
      notices,
      erasure: { ...dsar.erasure, finishedAt: at },
    },
    {
      at,
      action: 'dsar.erased',
      by: dsar.erasure.by,
      details: {
        ...dsar.erasure.counts,
        keptUnderLegalHold: dsar.erasure.keptUnderLegalHold.length,
        onTime: at <= dsar.dueAt,
      },
    },
  );
  return withNotice(next, {
    template: 'dsar-erasure-completed',
    audience: 'customer',
    to: email,
    createdAt: at,
    params: { dsarId: dsar.id, keptUnderLegalHold: dsar.erasure.keptUnderLegalHold.length },
  });
}

export const RejectionBody = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(10), z.maxLength(1000)),
});

/** Closes the request without fulfilling it (identity never verified, manifestly unfounded, requester under legal hold…). */
export function rejectDsar(dsar: Dsar, reason: string, by: Actor, now: Date): Dsar {
  assertLead(by, 'reject a data subject request');
  assertOpen(dsar);
  const at = now.toISOString();
  const next = withHistory(
    {
      ...nextVersion(dsar),
      status: 'rejected' as const,
      rejection: { reason, at, by },
      notices: scrubCodes(dsar.notices),
    },
    { at, action: 'dsar.rejected', by, details: { reason } },
  );
  return withNotice(next, {
    template: 'dsar-rejected',
    audience: 'customer',
    to: dsar.requester.email,
    createdAt: at,
    params: { dsarId: dsar.id, reason },
  });
}

export const isDsarOpen = isOpen;
