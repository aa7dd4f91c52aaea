/**
 * What the compliance use cases need from the outside world, as ports. Adapters: shared/store/*
 * (DynamoDB, S3), shared/schedules/eventbridge-scheduler.ts (EventBridge Scheduler; locally the
 * Scheduler stand-in in local/scheduler.ts answers the same API).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { AttachmentClass } from './data-classes.ts';
import type { AuditValue, HistoryEntry, RecordBase } from './records.ts';
import type { ClassCounts } from './retention-counts.ts';

/** The kinds of compliance record, each stored in its own partition. */
export type ComplianceRecordKind = 'dsar' | 'billing-appeal' | 'legal-hold' | 'purge-run';

/** What a one-time deadline schedule delivers to functions/compliance/handle-compliance-deadline.ts. */
export interface DeadlineEvent {
  desk: string;
  /** `security-incident`: a reportable breach's notification window (shared/incidents/breach-service.ts). */
  kind: Extract<ComplianceRecordKind, 'dsar' | 'billing-appeal'> | 'security-incident';
  id: string;
  /** The deadline the schedule was made for (informational: the handler recomputes what is due). */
  dueAt: string;
}

export interface DeadlineScheduler {
  /** Creates a one-time schedule (`at()`) that delivers `event`; creating an existing name is not an error. */
  scheduleOnce(name: string, at: Date, event: DeadlineEvent): Promise<void>;
  /** Deletes a schedule; a missing one is not an error. */
  cancel(name: string): Promise<void>;
}

/** Secrets for identity checks: one-time codes and hash salts. */
export interface RandomSource {
  code(digits: number): string;
  salt(): string;
}

export const cryptoRandom: RandomSource = {
  code: (digits) => String(randomInt(0, 10 ** digits)).padStart(digits, '0'),
  salt: () => randomBytes(16).toString('hex'),
};

/**
 * Schedule names are unique per record and deadline (Scheduler names: 64 characters of
 * `[0-9A-Za-z_.-]`), so a moved deadline gets a new schedule and the old one can be deleted by name.
 */
export function deadlineScheduleName(kind: DeadlineEvent['kind'], id: string, at: string): string {
  const compact = at.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${kind === 'dsar' ? 'dsar' : 'appeal'}-${id}-${compact}`;
}

export interface ItemKey {
  pk: string;
  sk: string;
}

/**
 * The table access the retention purge and the DSAR erasure need: pages of one data class older than a
 * cut-off (byDataClassCreated), whole ticket partitions, single-item reads, writes and deletes. Items
 * come back as stored (attributes included), because the purge handles items other modules wrote.
 */
export interface RetentionStore {
  /** Items of a class created before `before` (ISO), oldest first, one page. */
  scanClass(
    desk: string,
    indexClass: string,
    before: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: Array<Record<string, unknown>>; nextCursor: string | undefined }>;
  /** How many items of a class were created before `before` (reads the whole range; dry runs only). */
  countClass(desk: string, indexClass: string, before: string): Promise<number>;
  /** How many items of a class were created from `from` up to (not including) `before`. */
  countClassFrom(desk: string, indexClass: string, from: string, before: string): Promise<number>;
  /** The class's per-day counts (shared/compliance/retention-counts.ts): one Query. */
  readClassCounts(desk: string, indexClass: string): Promise<ClassCounts>;
  /** Counts one day of the class from the index and saves it, unless a deletion marked it stale meanwhile. */
  recountDay(desk: string, indexClass: string, day: string): Promise<number>;
  /** Every day up to `day` is counted. */
  sealCountsThrough(desk: string, indexClass: string, day: string): Promise<void>;
  /** The first day on or after `from` that has an item of the class (undefined: none). */
  firstDayFrom(desk: string, indexClass: string, from: string): Promise<string | undefined>;
  /** Where an item sits on byDataClassCreated: its class and the day it was created (undefined: not indexed). */
  indexedDayOf(item: Record<string, unknown>): { indexClass: string; day: string } | undefined;
  /** Before deleting indexed items: their days must be counted again (idempotent). */
  markCountsStale(desk: string, days: Array<{ indexClass: string; day: string }>): Promise<void>;
  getItem(key: ItemKey): Promise<Record<string, unknown> | undefined>;
  /** How many tickets a requester has on the desk (the requester index, counted without reading items). */
  countRequesterTickets(desk: string, email: string): Promise<number>;
  ticketPartition(desk: string, ticketId: string): Promise<Array<Record<string, unknown>>>;
  /** An item's own fields, without the attributes the store keys and indexes it by (an export shows these). */
  fieldsOf(item: Record<string, unknown>): Record<string, unknown>;
  /**
   * Replaces an item as a whole (erasure rewrites). With `expectedVersion`, only if the stored item is at
   * that version; returns false when it is not (someone changed it meanwhile: re-read and redo).
   */
  putItem(item: Record<string, unknown> & ItemKey, expectedVersion?: number): Promise<boolean>;
  /** True when the item existed (a repeated delete is harmless and reports false). */
  deleteItem(key: ItemKey): Promise<boolean>;
}

/**
 * A file filed on a ticket under a data class (a diagnostic log extract, a call recording, a
 * document), kept in the ticket's partition so it goes wherever the ticket goes, indexed by its class
 * so the retention purge finds it when its own period ends.
 */
export interface TicketAttachment {
  id: string;
  desk: string;
  ticketId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  dataClass: AttachmentClass;
  objectKey: string;
  uploadedBy: { id: string; role: string };
  createdAt: string;
}

export interface AttachmentStore {
  /** Stores the bytes first, then the item that makes them visible (an orphan object is harmless). */
  put(attachment: Omit<TicketAttachment, 'objectKey'>, content: Buffer): Promise<TicketAttachment>;
  list(desk: string, ticketId: string): Promise<TicketAttachment[]>;
  content(attachment: TicketAttachment): Promise<Buffer | undefined>;
}

/** The record changed since it was read (optimistic concurrency on `version`). */
export class RecordConflict extends Error {
  constructor(readonly id: string) {
    super(`Record ${id} changed concurrently`);
    this.name = 'RecordConflict';
  }
}

/** How a record is found besides its key; computed by the service that knows the domain. */
export interface RecordIndex {
  /** Creation instant: the desk-wide list (byDataClassCreated) sorts by it. */
  createdAt: string;
  /** Next deadline action (byDeskStatusDue); null when nothing more is due. */
  nextDeadlineAt: string | null;
  /** The requester's address (byRequester); null once erased or for records without one. */
  requesterEmail: string | null;
}

export interface AuditLogEntry {
  at: string;
  subject: { kind: ComplianceRecordKind; id: string };
  action: string;
  by: HistoryEntry['by'];
  details?: Record<string, AuditValue>;
}

export interface DueRecord {
  kind: ComplianceRecordKind;
  id: string;
  dueAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | undefined;
}

export interface ExportRecordItem {
  desk: string;
  dsarId: string;
  objectKey: string;
  bytes: number;
  sha256: string;
  createdAt: string;
}

export interface ComplianceStore {
  get<T extends RecordBase>(kind: ComplianceRecordKind, desk: string, id: string): Promise<T | undefined>;
  /** Writes a new record; false if one with that id exists (a retried create). */
  create<T extends RecordBase>(kind: ComplianceRecordKind, record: T, index: RecordIndex): Promise<boolean>;
  /**
   * Replaces the record if it is still at `expectedVersion` (else RecordConflict), then mirrors its new
   * history entries into the desk-wide audit log.
   */
  save<T extends RecordBase>(
    kind: ComplianceRecordKind,
    record: T,
    expectedVersion: number,
    index: RecordIndex,
    previousHistoryLength: number,
  ): Promise<void>;
  /** The desk's records of a kind, newest first. */
  list<T extends RecordBase>(
    kind: ComplianceRecordKind,
    desk: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<T>>;
  listForRequester<T extends RecordBase>(
    kind: ComplianceRecordKind,
    desk: string,
    email: string,
  ): Promise<T[]>;
  /** Open records whose next deadline is at or before `at`. */
  listDue(desk: string, at: string, limit: number): Promise<DueRecord[]>;
  /** Records with notices waiting for the mail sender, oldest first. */
  listWithPendingNotices(
    desk: string,
    limit: number,
  ): Promise<Array<{ kind: ComplianceRecordKind; id: string }>>;
  listAudit(
    desk: string,
    range: { from: string; to: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<AuditLogEntry>>;
  putExportRecord(record: ExportRecordItem): Promise<void>;
  getExportRecord(desk: string, dsarId: string): Promise<ExportRecordItem | undefined>;
}
