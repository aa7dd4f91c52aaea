import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { activityFromItems, type TicketActivity } from '../tickets/activity.ts';
import { queryAll } from './query-all.ts';

/**
 * Tickets found through an index (desk-wide reads: the queue, the KPI backfill) with their whole
 * activity: one Query of each ticket's partition for the ticket item and its activity items
 * (`begins_with(sk, 'TICKET')`), tickets in parallel. The index entries need only `pk`; a ticket
 * deleted since the index was read is left out.
 */
export async function ticketsWithActivity(
  doc: DynamoDBDocumentClient,
  tableName: string,
  entries: readonly Record<string, unknown>[],
): Promise<
  Array<{ entry: Record<string, unknown>; item: Record<string, unknown>; activity: TicketActivity[] }>
> {
  const read = await Promise.all(
    entries.map(async (entry) => {
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ticket)',
        ExpressionAttributeValues: { ':pk': entry.pk, ':ticket': 'TICKET' },
      });
      const item = items.find((i) => i.sk === 'TICKET');
      return item ? [{ entry, item, activity: activityFromItems(item, items) }] : [];
    }),
  );
  return read.flat();
}
