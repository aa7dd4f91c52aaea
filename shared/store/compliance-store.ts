import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { INDEX_CLASS } from '../compliance/data-classes.ts';
import type { AuditValue, HistoryEntry, RecordBase } from '../compliance/records.ts';
import { type ComplianceRecordKind, complianceKeys } from './compliance-keys.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { INDEX, keys } from './table-keys.ts';

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

const INDEX_CLASS_OF: Record<ComplianceRecordKind, string> = {
  dsar: INDEX_CLASS.dsar,
  'billing-appeal': INDEX_CLASS.billingAppeal,
  'legal-hold': INDEX_CLASS.legalHold,
  'purge-run': INDEX_CLASS.purgeRun,
};

/** Detail keys that hold text typed by people; the desk-wide log leaves them on the record. */
const FREE_TEXT = new Set(['note', 'reason', 'policy', 'summary']);

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

const RECORD_ATTRIBUTES = [
  'pk',
  'sk',
  'kind',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi4sk',
];

/** `kind` names the item type in the table; a record's own `kind` field (a DSAR's) is kept as `recordKind`. */
function stripKeys<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item))
    if (!RECORD_ATTRIBUTES.includes(k) && k !== 'recordKind') out[k] = v;
  if (item.recordKind !== undefined) out.kind = item.recordKind;
  return out as T;
}

export function dynamoComplianceStore(doc: DynamoDBDocumentClient, tableName: string): ComplianceStore {
  const itemFor = (kind: ComplianceRecordKind, record: RecordBase, index: RecordIndex) => {
    const pendingSince = record.notices.find((n) => n.status === 'pending')?.createdAt;
    const own = (record as { kind?: unknown }).kind;
    return {
      ...complianceKeys.record(record.desk, kind, record.id),
      ...record,
      kind,
      ...(own !== undefined ? { recordKind: own } : {}),
      gsi3pk: keys.dataClass(record.desk, INDEX_CLASS_OF[kind]),
      gsi3sk: `${index.createdAt}#${record.id}`,
      ...(index.nextDeadlineAt
        ? {
            gsi1pk: complianceKeys.deadlines(record.desk),
            gsi1sk: `${index.nextDeadlineAt}#${kind}#${record.id}`,
          }
        : {}),
      ...(index.requesterEmail
        ? {
            gsi2pk: complianceKeys.requesterRecords(record.desk, index.requesterEmail),
            gsi2sk: `${kind}#${index.createdAt}#${record.id}`,
          }
        : {}),
      ...(pendingSince
        ? {
            gsi4pk: complianceKeys.pendingNotices(record.desk),
            gsi4sk: `${pendingSince}#${kind}#${record.id}`,
          }
        : {}),
    };
  };

  const mirror = async (kind: ComplianceRecordKind, record: RecordBase, from: number) => {
    const entries = record.history.slice(from);
    await Promise.all(
      entries.map((entry, i) => {
        const index = from + i;
        const details = entry.details
          ? Object.fromEntries(Object.entries(entry.details).filter(([k]) => !FREE_TEXT.has(k)))
          : undefined;
        return doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...complianceKeys.audit(record.desk, kind, record.id, entry.at, index),
              kind: 'compliance-audit',
              desk: record.desk,
              at: entry.at,
              subject: { kind, id: record.id },
              action: entry.action,
              by: entry.by,
              ...(details && Object.keys(details).length ? { details } : {}),
              gsi3pk: keys.dataClass(record.desk, INDEX_CLASS.audit),
              gsi3sk: `${entry.at}#${kind}#${record.id}#${String(index).padStart(5, '0')}`,
            },
          }),
        );
      }),
    );
  };

  const query = async (input: Omit<QueryCommandInput, 'TableName'>) =>
    doc.send(new QueryCommand({ TableName: tableName, ...input }));

  return {
    async get(kind, desk, id) {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: complianceKeys.record(desk, kind, id),
          ConsistentRead: true,
        }),
      );
      return Item ? stripKeys(Item) : undefined;
    },

    async create(kind, record, index) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: itemFor(kind, record, index),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
      await mirror(kind, record, 0);
      return true;
    },

    async save(kind, record, expectedVersion, index, previousHistoryLength) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: itemFor(kind, record, index),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new RecordConflict(record.id);
        throw error;
      }
      await mirror(kind, record, previousHistoryLength);
    },

    async list(kind, desk, limit, cursor) {
      const partition = keys.dataClass(desk, INDEX_CLASS_OF[kind]);
      const page = await query({
        IndexName: INDEX.byDataClassCreated,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: cursor ? decodeCursor(cursor, 'gsi3pk', partition) : undefined,
      });
      return {
        items: (page.Items ?? []).map((i) => stripKeys(i)),
        nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
      };
    },

    async listForRequester<T extends RecordBase>(kind: ComplianceRecordKind, desk: string, email: string) {
      const out: T[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await query({
          IndexName: INDEX.byRequester,
          KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :kind)',
          ExpressionAttributeValues: {
            ':pk': complianceKeys.requesterRecords(desk, email),
            ':kind': `${kind}#`,
          },
          ExclusiveStartKey: start,
        });
        out.push(...(page.Items ?? []).map((i) => stripKeys<T>(i)));
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },

    async listDue(desk, at, limit) {
      const page = await query({
        IndexName: INDEX.byDeskStatusDue,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :at',
        ExpressionAttributeValues: { ':pk': complianceKeys.deadlines(desk), ':at': `${at}#~` },
        Limit: limit,
      });
      return (page.Items ?? []).map((i) => ({
        kind: i.kind as ComplianceRecordKind,
        id: i.id as string,
        dueAt: String(i.gsi1sk).split('#')[0]!,
      }));
    },

    async listWithPendingNotices(desk, limit) {
      const page = await query({
        IndexName: INDEX.byWorkflowPending,
        KeyConditionExpression: 'gsi4pk = :pk',
        ExpressionAttributeValues: { ':pk': complianceKeys.pendingNotices(desk) },
        Limit: limit,
      });
      return (page.Items ?? []).map((i) => ({ kind: i.kind as ComplianceRecordKind, id: i.id as string }));
    },

    async listAudit(desk, range, limit, cursor) {
      const partition = keys.dataClass(desk, INDEX_CLASS.audit);
      const page = await query({
        IndexName: INDEX.byDataClassCreated,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': partition, ':from': range.from, ':to': `${range.to}#~` },
        ScanIndexForward: true,
        Limit: limit,
        ExclusiveStartKey: cursor ? decodeCursor(cursor, 'gsi3pk', partition) : undefined,
      });
      return {
        items: (page.Items ?? []).map((i) => ({
          at: i.at as string,
          subject: i.subject as AuditLogEntry['subject'],
          action: i.action as string,
          by: i.by as AuditLogEntry['by'],
          ...(i.details ? { details: i.details as Record<string, AuditValue> } : {}),
        })),
        nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
      };
    },

    async putExportRecord(record) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...complianceKeys.exportRecord(record.desk, record.dsarId),
            kind: 'dsar-export',
            ...record,
            gsi3pk: keys.dataClass(record.desk, INDEX_CLASS.dsarExport),
            gsi3sk: `${record.createdAt}#${record.dsarId}`,
          },
        }),
      );
    },

    async getExportRecord(desk, dsarId) {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: complianceKeys.exportRecord(desk, dsarId),
          ConsistentRead: true,
        }),
      );
      return Item ? stripKeys(Item) : undefined;
    },
  };
}
