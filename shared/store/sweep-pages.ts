/**
 * Paged reads for the minute sweeps (workflow reconciler, outbound mail): each returns a page and
 * where to continue, so a sweep can work through a whole backlog instead of its first 100 items.
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '../runtime/aws/dynamodb.ts';
import type { SweepPages } from '../workflow/ports.ts';
import { countAll } from './query-all.ts';
import { INDEX, keys } from './table-keys.ts';

export function dynamoSweepPages(doc: DynamoDBDocumentClient, tableName: string): SweepPages {
  const page = async <T>(input: QueryCommandInput, map: (item: Record<string, unknown>) => T) => {
    const res = await doc.send(new QueryCommand(input));
    return { items: (res.Items ?? []).map(map), next: res.LastEvaluatedKey };
  };
  const due = (sk: string) => (item: Record<string, unknown>) => ({
    ticketId: item.id as string,
    since: String(item[sk]).split('#')[0] ?? '',
  });
  /** Tickets listed on the byWorkflowPending index under `partition` since before `before`. */
  const listedQuery = (partition: string, before: string): QueryCommandInput => ({
    TableName: tableName,
    IndexName: INDEX.byWorkflowPending,
    KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk < :before',
    ExpressionAttributeValues: { ':pk': partition, ':before': before },
  });
  const workflowDueQuery = (desk: string, before: string) => listedQuery(keys.workflowDue(desk), before);
  return {
    mailPending: (desk, before, from, limit) =>
      page(
        { ...listedQuery(keys.mailPending(desk), before), ExclusiveStartKey: from, Limit: limit },
        due('gsi4sk'),
      ),
    workflowDue: (desk, before, from, limit) =>
      page({ ...workflowDueQuery(desk, before), ExclusiveStartKey: from, Limit: limit }, due('gsi4sk')),
    overdueCheckpoints: (desk, status, before, from, limit) =>
      page(
        {
          TableName: tableName,
          IndexName: INDEX.byDeskStatusDue,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': keys.deskStatus(desk, status), ':before': before },
          ExclusiveStartKey: from,
          Limit: limit,
        },
        due('gsi1sk'),
      ),
    outbox: (desk, from, limit) =>
      page(
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.outboxPartition(desk) },
          ExclusiveStartKey: from,
          Limit: limit,
        },
        (i) => ({
          desk,
          ticketId: String(i.ticketId),
          touchedAt: String(i.touchedAt),
          nonce: String(i.nonce),
        }),
      ),
    countWorkflowDue: (desk, before) => countAll(doc, workflowDueQuery(desk, before)),
  };
}
