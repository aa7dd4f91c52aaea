/**
 * Paged reads for the minute sweeps (workflow reconciler, outbound mail): each returns a page and
 * where to continue, so a sweep can work through a whole backlog instead of its first 100 items.
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { OutboxPointer } from './mail-store.ts';
import { INDEX, keys } from './table-keys.ts';

export type PageKey = Record<string, unknown>;
export interface Page<T> {
  items: T[];
  /** Where the next page starts; undefined at the end. */
  next: PageKey | undefined;
}
export interface DueTicket {
  ticketId: string;
  since: string;
}

export interface SweepPages {
  /** Tickets whose workflow has not seen their latest change since before `before`. */
  workflowDue(
    desk: string,
    before: string,
    from: PageKey | undefined,
    limit: number,
  ): Promise<Page<DueTicket>>;
  /** Tickets in `status` whose workflow checkpoint passed before `before`. */
  overdueCheckpoints(
    desk: string,
    status: string,
    before: string,
    from: PageKey | undefined,
    limit: number,
  ): Promise<Page<DueTicket>>;
  /** The desk's outbox notes (tickets that may have mail left to send). */
  outbox(desk: string, from: PageKey | undefined, limit: number): Promise<Page<OutboxPointer>>;
  /** How many items a `workflowDue` listing would return in all (keys only, paged to the end). */
  countWorkflowDue(desk: string, before: string): Promise<number>;
}

export function dynamoSweepPages(doc: DynamoDBDocumentClient, tableName: string): SweepPages {
  const page = async <T>(input: QueryCommandInput, map: (item: Record<string, unknown>) => T) => {
    const res = await doc.send(new QueryCommand(input));
    return { items: (res.Items ?? []).map(map), next: res.LastEvaluatedKey };
  };
  const due = (sk: string) => (item: Record<string, unknown>) => ({
    ticketId: item.id as string,
    since: String(item[sk]).split('#')[0] ?? '',
  });
  const workflowDueQuery = (desk: string, before: string): QueryCommandInput => ({
    TableName: tableName,
    IndexName: INDEX.byWorkflowPending,
    KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk < :before',
    ExpressionAttributeValues: { ':pk': keys.workflowDue(desk), ':before': before },
  });
  return {
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
    async countWorkflowDue(desk, before) {
      let count = 0;
      let start: PageKey | undefined;
      do {
        const res = await doc.send(
          new QueryCommand({ ...workflowDueQuery(desk, before), Select: 'COUNT', ExclusiveStartKey: start }),
        );
        count += res.Count ?? 0;
        start = res.LastEvaluatedKey;
      } while (start);
      return count;
    },
  };
}
