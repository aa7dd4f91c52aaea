import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { activityFromItems, activityStartOf, type TicketActivity } from '../tickets/activity.ts';
import { queryAll } from './query-all.ts';
import { ACTIVITY_SK_PREFIX } from './table-keys.ts';

/**
 * The whole activity of tickets read through an index (desk-wide reads: the queue, the KPI backfill):
 * the entries on each ticket item, and for a ticket whose earlier entries moved to their own items, one
 * Query of those items (tickets in parallel). `items` are ticket items with `pk`, `activity` and
 * `activityStart`.
 */
export async function activityOfTickets(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<TicketActivity[][]> {
  return Promise.all(
    items.map(async (item) =>
      activityFromItems(
        item,
        activityStartOf(item) > 0
          ? await queryAll(doc, {
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: { ':pk': item.pk, ':prefix': ACTIVITY_SK_PREFIX },
            })
          : [],
      ),
    ),
  );
}
