import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { RetentionStore } from '../compliance/ports.ts';
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
