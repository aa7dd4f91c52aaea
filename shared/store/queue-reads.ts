/**
 * The ops queue's reads: a desk's unresolved tickets across every open status, soonest workflow
 * checkpoint first, page by page with no cap. Each open status is its own partition of the
 * byDeskStatusDue index, already sorted by checkpoint; a page merges the four sorted runs, so no
 * status can crowd out another (2,000 `new` tickets no longer hide an `open` one about to breach).
 */

import type { QueuePosition, QueueReads } from '../ops/ports.ts';
import { type DynamoDBDocumentClient, QueryCommand } from '../runtime/aws/dynamodb.ts';
import { type Status, UNRESOLVED_STATUSES } from '../tickets/model.ts';
import type { TicketRecord, TicketSummary } from '../tickets/ports.ts';
import { ticketsWithActivity } from './activity-reads.ts';
import { INDEX, keys, NO_DEADLINE } from './table-keys.ts';
import { FIELDS as TICKET_READ_FIELDS } from './ticket-reads.ts';

/** The queue row's fields, read from the ticket item (the index gives keys and ids only). */
const SUMMARY = TICKET_READ_FIELDS.filter((f) => f !== 'activity' && f !== 'sla');
const projection = (fields: readonly string[]) => ({
  ProjectionExpression: fields.map((_, i) => `#p${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#p${i}`, f])),
});

function toRecord(item: Record<string, unknown>, activity: TicketRecord['activity']): TicketRecord {
  const checkpoint = (item.sla as { nextCheckpoint?: string | null } | undefined)?.nextCheckpoint;
  const ticket = Object.fromEntries(SUMMARY.map((f) => [f, item[f]])) as TicketSummary;
  return {
    ticket: { ...ticket, assignee: ticket.assignee ?? null },
    activity,
    nextCheckpoint: checkpoint && checkpoint !== NO_DEADLINE ? checkpoint : null,
  };
}

export function dynamoQueueReads(doc: DynamoDBDocumentClient, tableName: string): QueueReads {
  const queryStatus = (
    desk: string,
    status: Status,
    after: string | undefined,
    limit: number,
    fields?: readonly string[],
    start?: Record<string, unknown>,
  ) =>
    doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX.byDeskStatusDue,
        KeyConditionExpression: after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': keys.deskStatus(desk, status),
          ...(after ? { ':after': after } : {}),
        },
        ...(fields ? projection(fields) : {}),
        ScanIndexForward: true,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );

  return {
    async pageUnresolved(desk, statuses, limit, from) {
      const runs = await Promise.all(
        statuses.map(async (status) => {
          const page = await queryStatus(desk, status, from?.[status], limit);
          return { status, items: page.Items ?? [], more: page.LastEvaluatedKey !== undefined };
        }),
      );
      const merged = runs
        .flatMap((r) => r.items.map((item) => ({ status: r.status, item })))
        .sort((a, b) => (String(a.item.gsi1sk) < String(b.item.gsi1sk) ? -1 : 1))
        .slice(0, limit);
      const next: QueuePosition = { ...from };
      for (const { status, item } of merged) next[status] = String(item.gsi1sk);
      const taken = (status: Status) => merged.filter((m) => m.status === status).length;
      const more = runs.some((r) => taken(r.status) < r.items.length || r.more);
      const tickets = await ticketsWithActivity(
        doc,
        tableName,
        merged.map((m) => m.item),
      );
      return {
        records: tickets.map((t) => toRecord(t.item, t.activity)),
        next: more ? next : null,
      };
    },

    async backlog(desk) {
      const out: Array<{ createdAt: string; status: Status }> = [];
      for (const status of UNRESOLVED_STATUSES) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await queryStatus(desk, status, undefined, 1000, ['createdAt'], start);
          for (const item of page.Items ?? []) out.push({ createdAt: item.createdAt as string, status });
          start = page.LastEvaluatedKey;
        } while (start);
      }
      return out;
    },
  };
}
