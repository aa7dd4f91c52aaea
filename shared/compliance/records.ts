/**
 * What every compliance record (DSAR, billing appeal, legal hold, purge run) shares: who acted, the
 * record's own history (its audit trail, written in the same conditional write as the change it
 * records, like a ticket's activity log) and the notices it owes people.
 *
 * Pure: no AWS, no clock reads. Callers pass `now`.
 */
import type { Role } from '../auth/principal.ts';

/** Who did something: a signed-in person (their token's `sub` and role) or a scheduled job. */
export interface Actor {
  id: string;
  role: Role | 'system';
}

export const SYSTEM: Actor = { id: 'compliance-scheduler', role: 'system' };

/** Values an audit entry may carry: ids, dates, counts, reasons typed by staff. Never ticket content. */
export type AuditValue = string | number | boolean | null | string[];

export interface HistoryEntry {
  at: string;
  /** Dotted verb, e.g. `dsar.extended`, `billing-appeal.auto-advanced`, `purge.finished`. */
  action: string;
  by: Actor;
  details?: Record<string, AuditValue>;
}

/** Who a notice is for: the requester, or a staff audience of the desk (the mailer resolves it). */
export type NoticeAudience = 'customer' | 'agent' | 'lead' | 'manager';

/**
 * A notice owed to someone, kept on the record that owes it until the mail sender delivers it.
 * `template` names the text (see docs/compliance.md); `params` are the values it needs, never
 * message bodies. Customer notices carry the address (`to`) because the record may be erased later.
 */
export interface PendingNotice {
  id: string;
  template: string;
  audience: NoticeAudience;
  to?: string;
  createdAt: string;
  status: 'pending' | 'sent';
  sentAt?: string;
  params: Record<string, string | number | boolean | null>;
}

/** The fields every stored compliance record has. */
export interface RecordBase {
  id: string;
  desk: string;
  version: number;
  history: HistoryEntry[];
  notices: PendingNotice[];
}

/** Appends a history entry and returns the new list (records are treated as immutable values). */
export function withHistory<T extends RecordBase>(
  record: T,
  entry: Omit<HistoryEntry, 'details'> & { details?: Record<string, AuditValue | undefined> },
): T {
  const details = entry.details
    ? (Object.fromEntries(Object.entries(entry.details).filter(([, v]) => v !== undefined)) as Record<
        string,
        AuditValue
      >)
    : undefined;
  const clean: HistoryEntry = {
    at: entry.at,
    action: entry.action,
    by: entry.by,
    ...(details ? { details } : {}),
  };
  return { ...record, history: [...record.history, clean] };
}

/** Adds a pending notice with a deterministic id (`<record id>-n<index>`), so a retried write adds it once. */
export function withNotice<T extends RecordBase>(record: T, notice: Omit<PendingNotice, 'id' | 'status'>): T {
  const id = `${record.id}-n${record.notices.length + 1}`;
  return { ...record, notices: [...record.notices, { ...notice, id, status: 'pending' }] };
}

/** The record as the next version: every change goes through here so versions never skip. */
export function nextVersion<T extends RecordBase>(record: T): T {
  return { ...record, version: record.version + 1 };
}

/** Role ranks for "this role or above" rules. */
export const ROLE_RANK: Record<Role | 'system', number> = {
  customer: 0,
  app: 0,
  agent: 1,
  lead: 2,
  manager: 3,
  ops: 3,
  system: 9,
};

export function actorOf(principal: { id: string; role: Role }): Actor {
  return { id: principal.id, role: principal.role };
}
