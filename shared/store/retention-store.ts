import type { RetentionStore } from '../compliance/ports.ts';
import type { DayCount } from '../compliance/retention-counts.ts';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  isConditionalCheckFailed,
  QueryCommand,
  UpdateCommand,
} from '../runtime/aws/dynamodb.ts';
import { complianceKeys } from './compliance-keys.ts';
import { putAtVersion } from './conditional-put.ts';
import { countAll, queryAll, queryPage } from './query-all.ts';
import { INDEX, keys, withoutKeys } from './table-keys.ts';

export function dynamoRetentionStore(doc: DynamoDBDocumentClient, tableName: string): RetentionStore {
  /** Items of one data class created before an instant (byDataClassCreated). */
  const classBefore = (partition: string, before: string) => ({
    TableName: tableName,
    IndexName: INDEX.byDataClassCreated,
    KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
    ExpressionAttributeValues: { ':pk': partition, ':before': before },
  });
  const countKey = (desk: string, indexClass: string, day: string) => ({
    pk: complianceKeys.retentionCounts(desk),
    sk: `CLASS#${indexClass}#DAY#${day}`,
  });
  const sealedKey = (desk: string, indexClass: string) => ({
    pk: complianceKeys.retentionCounts(desk),
    sk: `CLASS#${indexClass}#SEALED`,
  });
  const classQuery = (desk: string, indexClass: string) => ({
    TableName: tableName,
    IndexName: INDEX.byDataClassCreated,
    ExpressionAttributeValues: { ':pk': keys.dataClass(desk, indexClass) } as Record<string, unknown>,
  });

  return {
    async scanClass(desk, indexClass, before, limit, cursor) {
      const partition = keys.dataClass(desk, indexClass);
      return queryPage(
        doc,
        { ...classBefore(partition, before), ScanIndexForward: true, Limit: limit },
        { value: cursor, attribute: 'gsi3pk', partition },
      );
    },

    countClass: (desk, indexClass, before) =>
      countAll(doc, classBefore(keys.dataClass(desk, indexClass), before)),

    countRequesterTickets: (desk, email) =>
      countAll(doc, {
        TableName: tableName,
        IndexName: INDEX.byRequester,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.requester(desk, email) },
      }),

    countClassFrom(desk, indexClass, from, before) {
      const q = classQuery(desk, indexClass);
      // Sort values are `<created at>#<id>`, so BETWEEN the two instants stops short of `before`.
      return countAll(doc, {
        ...q,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :before',
        ExpressionAttributeValues: { ...q.ExpressionAttributeValues, ':from': from, ':before': before },
      });
    },

    async readClassCounts(desk, indexClass) {
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': complianceKeys.retentionCounts(desk),
          ':prefix': `CLASS#${indexClass}#`,
        },
        ConsistentRead: true,
      });
      let sealedThrough: string | null = null;
      const days: DayCount[] = [];
      for (const item of items) {
        if (item.sk === sealedKey(desk, indexClass).sk) sealedThrough = String(item.through);
        else
          days.push({
            day: String(item.sk).slice(-10),
            count: typeof item.count === 'number' ? item.count : 0,
            fresh: typeof item.count === 'number' && (item.countedGen ?? 0) === (item.staleGen ?? 0),
          });
      }
      return { sealedThrough, days };
    },

    async recountDay(desk, indexClass, day) {
      const key = countKey(desk, indexClass, day);
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      const generation = typeof Item?.staleGen === 'number' ? Item.staleGen : 0;
      const q = classQuery(desk, indexClass);
      const count = await countAll(doc, {
        ...q,
        KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :day)',
        ExpressionAttributeValues: { ...q.ExpressionAttributeValues, ':day': day },
      });
      if (!Item && count === 0) return 0; // a day without items needs no entry
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'SET #count = :count, countedGen = :gen',
            // A deletion that marked the day while it was being counted keeps it stale.
            ConditionExpression:
              generation === 0 ? 'attribute_not_exists(staleGen) OR staleGen = :gen' : 'staleGen = :gen',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':count': count, ':gen': generation },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      return count;
    },

    async sealCountsThrough(desk, indexClass, day) {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: sealedKey(desk, indexClass),
            UpdateExpression: 'SET through = :day',
            ConditionExpression: 'attribute_not_exists(through) OR through < :day',
            ExpressionAttributeValues: { ':day': day },
          }),
        )
        .catch((error) => {
          if (!isConditionalCheckFailed(error)) throw error;
        });
    },

    async firstDayFrom(desk, indexClass, from) {
      const q = classQuery(desk, indexClass);
      const page = await doc.send(
        new QueryCommand({
          ...q,
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk >= :from',
          ExpressionAttributeValues: { ...q.ExpressionAttributeValues, ':from': from },
          ScanIndexForward: true,
          Limit: 1,
        }),
      );
      const first = page.Items?.[0]?.gsi3sk;
      return typeof first === 'string' ? first.slice(0, 10) : undefined;
    },

    indexedDayOf(item) {
      const partition = item.gsi3pk;
      const sort = item.gsi3sk;
      if (typeof partition !== 'string' || typeof sort !== 'string') return undefined;
      const at = partition.indexOf('#CLASS#');
      return at < 0 ? undefined : { indexClass: partition.slice(at + 7), day: sort.slice(0, 10) };
    },

    async markCountsStale(desk, days) {
      const seen = new Set<string>();
      for (const { indexClass, day } of days) {
        const key = countKey(desk, indexClass, day);
        if (seen.has(key.sk)) continue;
        seen.add(key.sk);
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'ADD staleGen :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
      }
    },

    async getItem(key) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      return Item;
    },

    ticketPartition: (desk, ticketId) =>
      queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticketPartition(desk, ticketId) },
        ConsistentRead: true,
      }),

    fieldsOf: withoutKeys,

    putItem: (item, expectedVersion) => putAtVersion(doc, tableName, item, expectedVersion),

    async deleteItem(key) {
      const result = await doc.send(
        new DeleteCommand({ TableName: tableName, Key: key, ReturnValues: 'ALL_OLD' }),
      );
      return result.Attributes !== undefined;
    },
  };
}
