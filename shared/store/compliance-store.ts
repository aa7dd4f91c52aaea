import { INDEX_CLASS } from '../compliance/data-classes.ts';
import {
  type AuditLogEntry,
  type ComplianceRecordKind,
  type ComplianceStore,
  RecordConflict,
  type RecordIndex,
} from '../compliance/ports.ts';
import type { AuditValue, RecordBase } from '../compliance/records.ts';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '../runtime/aws/dynamodb.ts';
import { complianceKeys } from './compliance-keys.ts';
import { claimOnce, putAtVersion } from './conditional-put.ts';
import { queryAll, queryPage } from './query-all.ts';
import { byClass, INDEX, keys, withoutKeys } from './table-keys.ts';

const INDEX_CLASS_OF: Record<ComplianceRecordKind, string> = {
  dsar: INDEX_CLASS.dsar,
  'billing-appeal': INDEX_CLASS.billingAppeal,
  'legal-hold': INDEX_CLASS.legalHold,
  'purge-run': INDEX_CLASS.purgeRun,
};

/** Detail keys that hold text typed by people; the desk-wide log leaves them on the record. */
const FREE_TEXT = new Set(['note', 'reason', 'policy', 'summary']);

/** `kind` names the item type in the table; a record's own `kind` field (a DSAR's) is kept as `recordKind`. */
function stripKeys<T>(item: Record<string, unknown>): T {
  const { recordKind, ...out } = withoutKeys(item);
  return (recordKind === undefined ? out : { ...out, kind: recordKind }) as T;
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
      ...byClass(record.desk, INDEX_CLASS_OF[kind], `${index.createdAt}#${record.id}`),
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
              ...byClass(
                record.desk,
                INDEX_CLASS.audit,
                `${entry.at}#${kind}#${record.id}#${String(index).padStart(5, '0')}`,
              ),
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
      if (!(await claimOnce(doc, tableName, itemFor(kind, record, index)))) return false;
      await mirror(kind, record, 0);
      return true;
    },

    async save(kind, record, expectedVersion, index, previousHistoryLength) {
      if (!(await putAtVersion(doc, tableName, itemFor(kind, record, index), expectedVersion)))
        throw new RecordConflict(record.id);
      await mirror(kind, record, previousHistoryLength);
    },

    async list(kind, desk, limit, cursor) {
      const partition = keys.dataClass(desk, INDEX_CLASS_OF[kind]);
      const page = await queryPage(
        doc,
        {
          TableName: tableName,
          IndexName: INDEX.byDataClassCreated,
          KeyConditionExpression: 'gsi3pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ScanIndexForward: false,
          Limit: limit,
        },
        { value: cursor, attribute: 'gsi3pk', partition },
      );
      return { items: page.items.map((i) => stripKeys(i)), nextCursor: page.nextCursor };
    },

    async listForRequester<T extends RecordBase>(kind: ComplianceRecordKind, desk: string, email: string) {
      const items = await queryAll(doc, {
        TableName: tableName,
        IndexName: INDEX.byRequester,
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :kind)',
        ExpressionAttributeValues: {
          ':pk': complianceKeys.requesterRecords(desk, email),
          ':kind': `${kind}#`,
        },
      });
      return items.map((i) => stripKeys<T>(i));
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
      const page = await queryPage(
        doc,
        {
          TableName: tableName,
          IndexName: INDEX.byDataClassCreated,
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': partition, ':from': range.from, ':to': `${range.to}#~` },
          ScanIndexForward: true,
          Limit: limit,
        },
        { value: cursor, attribute: 'gsi3pk', partition },
      );
      return {
        items: page.items.map((i) => ({
          at: i.at as string,
          subject: i.subject as AuditLogEntry['subject'],
          action: i.action as string,
          by: i.by as AuditLogEntry['by'],
          ...(i.details ? { details: i.details as Record<string, AuditValue> } : {}),
        })),
        nextCursor: page.nextCursor,
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
            ...byClass(record.desk, INDEX_CLASS.dsarExport, `${record.createdAt}#${record.dsarId}`),
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
