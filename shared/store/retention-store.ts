import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { INDEX, keys } from './table-keys.ts';

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
  /**
   * How many items of a class were created before `before` (dry runs only). Reads only what was
   * created since the last count; a full count at most once per week of cut-off movement.
   */
  countClass(desk: string, indexClass: string, before: string): Promise<number>;
  getItem(key: ItemKey): Promise<Record<string, unknown> | undefined>;
  ticketPartition(desk: string, ticketId: string): Promise<Array<Record<string, unknown>>>;
  /**
   * Replaces an item as a whole (erasure rewrites). With `expectedVersion`, only if the stored item is at
   * that version; returns false when it is not (someone changed it meanwhile: re-read and redo).
   */
  putItem(item: Record<string, unknown> & ItemKey, expectedVersion?: number): Promise<boolean>;
  /** True when the item existed (a repeated delete is harmless and reports false). */
  deleteItem(key: ItemKey): Promise<boolean>;
}

export function dynamoRetentionStore(doc: DynamoDBDocumentClient, tableName: string): RetentionStore {
  return {
    async scanClass(desk, indexClass, before, limit, cursor) {
      const partition = keys.dataClass(desk, indexClass);
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byDataClassCreated,
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
          ExpressionAttributeValues: { ':pk': partition, ':before': before },
          ScanIndexForward: true,
          Limit: limit,
          ExclusiveStartKey: cursor ? decodeCursor(cursor, 'gsi3pk', partition) : undefined,
        }),
      );
      return {
        items: page.Items ?? [],
        nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
      };
    },

    async countClass(desk, indexClass, before) {
      // Incremental: a cached count up to `countedTo`, extended by the range since (deletes through
      // deleteItem take themselves off); a full recount once the cut-off has moved a week past the last.
      const cacheKey = countKey(desk, indexClass);
      const { Item: cached } = await doc.send(new GetCommand({ TableName: tableName, Key: cacheKey }));
      const fresh =
        cached &&
        String(cached.countedTo) <= before &&
        Date.parse(before) - Date.parse(String(cached.fullCountAt)) < FULL_RECOUNT_MS;
      const from = fresh ? String(cached.countedTo) : undefined;
      const count = (fresh ? Number(cached.count) : 0) + (await countRange(desk, indexClass, from, before));
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...cacheKey,
              countedTo: before,
              count,
              fullCountAt: fresh ? cached.fullCountAt : before,
            },
            ConditionExpression: cached ? 'countedTo = :seen' : 'attribute_not_exists(pk)',
            ...(cached ? { ExpressionAttributeValues: { ':seen': cached.countedTo } } : {}),
          }),
        );
      } catch (error) {
        // Another preview moved the cache meanwhile; this answer is still right.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      return count;
    },

    async getItem(key) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      return Item;
    },

    async ticketPartition(desk, ticketId) {
      const items: Array<Record<string, unknown>> = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.ticketPartition(desk, ticketId) },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },

    async putItem(item, expectedVersion) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ...(expectedVersion === undefined
              ? {}
              : {
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                }),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async deleteItem(key) {
      const result = await doc.send(
        new DeleteCommand({ TableName: tableName, Key: key, ReturnValues: 'ALL_OLD' }),
      );
      const old = result.Attributes;
      const dataClass = typeof old?.gsi3pk === 'string' ? old.gsi3pk.split('#CLASS#')[1] : undefined;
      if (old && dataClass && typeof old.gsi3sk === 'string') {
        // Keep the cached count of its class true (only if the item was inside the counted range).
        try {
          await doc.send(
            new UpdateCommand({
              TableName: tableName,
              Key: countKey(
                String(old.gsi3pk)
                  .split('#CLASS#')[0]!
                  .replace(/^DESK#/, ''),
                dataClass,
              ),
              UpdateExpression: 'ADD #count :minusOne',
              ConditionExpression: 'countedTo > :sk',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':minusOne': -1, ':sk': old.gsi3sk },
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      return old !== undefined;
    },
  };

  async function countRange(desk: string, indexClass: string, from: string | undefined, before: string) {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byDataClassCreated,
          KeyConditionExpression: from
            ? 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :before'
            : 'gsi3pk = :pk AND gsi3sk < :before',
          ExpressionAttributeValues: {
            ':pk': keys.dataClass(desk, indexClass),
            ':before': before,
            ...(from ? { ':from': from } : {}),
          },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }
}

/** Retention previews' cached count per desk and data class (counts only). */
const countKey = (desk: string, indexClass: string) => ({
  pk: `DESK#${desk}#RETENTION_COUNT#${indexClass}`,
  sk: 'COUNT',
});
/** Cut-off movement after which a preview recounts a class in full (bounds any drift). */
const FULL_RECOUNT_MS = 7 * 86_400_000;
