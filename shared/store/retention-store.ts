import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
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
  /** How many items of a class were created before `before` (reads the whole range; dry runs only). */
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
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: INDEX.byDataClassCreated,
            KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
            ExpressionAttributeValues: { ':pk': keys.dataClass(desk, indexClass), ':before': before },
            Select: 'COUNT',
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
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
      return result.Attributes !== undefined;
    },
  };
}
