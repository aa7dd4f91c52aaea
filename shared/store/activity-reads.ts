import type { DynamoDBDocumentClient } from '../runtime/aws/dynamodb.ts';
import { activityFromItems, activityStartOf, type TicketActivity } from '../tickets/activity.ts';
import { itemsByKey } from './items-by-key.ts';
import { queryAll } from './query-all.ts';
import { ACTIVITY_SK_PREFIX } from './table-keys.ts';

/**
 * Tickets found through an index (desk-wide reads: the queue, the KPI backfill) with their whole
 * activity: the ticket items by key (BatchGetItem, 100 a request), and for each ticket whose earlier
 * entries moved to activity items, one Query of those (in parallel). The index entries need `pk` and
 * `sk`; a ticket deleted since the index was read is left out.
 */
export async function ticketsWithActivity(
  doc: DynamoDBDocumentClient,
  tableName: string,
  entries: readonly Record<string, unknown>[],
): Promise<Array<{ item: Record<string, unknown>; activity: TicketActivity[] }>> {
  const items = await itemsByKey(doc, tableName, entries);
  return Promise.all(
    items.map(async (item) => ({
      item,
      activity: activityFromItems(
        item,
        activityStartOf(item) > 0
          ? await queryAll(doc, {
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: { ':pk': item.pk, ':prefix': ACTIVITY_SK_PREFIX },
            })
          : [],
      ),
    })),
  );
}
