import { type DynamoDBDocumentClient, QueryCommand } from '../runtime/aws/dynamodb.ts';
import { type Status, type Ticket, UNRESOLVED_STATUSES } from '../tickets/model.ts';
import type { TicketReads, TicketRecord } from '../tickets/ports.ts';
import { ticketsWithActivity } from './activity-reads.ts';
import { INDEX, keys, NO_DEADLINE } from './table-keys.ts';

export const FIELDS = [
  'id',
  'desk',
  'subject',
  'status',
  'priority',
  'plan',
  'channel',
  'tier',
  'assignee',
  'createdAt',
  'updatedAt',
  'requester',
  'activity',
  'sla',
];

/** Items per Query page: DynamoDB stops at 1 MB anyway; this keeps a page's memory predictable. */
const PAGE = 250;

export function dynamoTicketReads(doc: DynamoDBDocumentClient, tableName: string): TicketReads {
  const toRecord = (item: Record<string, unknown>, activity: TicketRecord['activity']): TicketRecord => {
    const sla = item.sla as { nextCheckpoint?: string | null } | undefined;
    return {
      ticket: {
        id: item.id as string,
        desk: item.desk as string,
        subject: item.subject as string,
        status: item.status as Status,
        priority: item.priority as Ticket['priority'],
        plan: item.plan as string,
        channel: item.channel as Ticket['channel'],
        tier: item.tier as number,
        assignee: (item.assignee as string | null | undefined) ?? null,
        createdAt: item.createdAt as string,
        updatedAt: item.updatedAt as string,
        ...(item.requester ? { requester: item.requester as Ticket['requester'] } : {}),
      },
      activity,
      nextCheckpoint: sla?.nextCheckpoint && sla.nextCheckpoint !== NO_DEADLINE ? sla.nextCheckpoint : null,
    };
  };

  async function drain(
    input: ConstructorParameters<typeof QueryCommand>[0],
    cap: number,
    into: TicketRecord[],
  ): Promise<boolean> {
    let start: Record<string, unknown> | undefined;
    do {
      const room = cap - into.length;
      if (room <= 0) {
        // Full: is there anything left that the cap keeps out?
        const probe = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: 1 }));
        return (probe.Items?.length ?? 0) > 0;
      }
      const page = await doc.send(
        new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: Math.min(PAGE, room) }),
      );
      // The index gives keys and ids: each ticket and its activity are read from its partition.
      const tickets = await ticketsWithActivity(doc, tableName, page.Items ?? []);
      into.push(...tickets.map((t) => toRecord(t.item, t.activity)));
      start = page.LastEvaluatedKey;
    } while (start);
    return false;
  }

  return {
    async listUnresolved(desk, cap) {
      const records: TicketRecord[] = [];
      let truncated = false;
      for (const status of UNRESOLVED_STATUSES) {
        const stopped = await drain(
          {
            TableName: tableName,
            IndexName: INDEX.byDeskStatusDue,
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.deskStatus(desk, status) },
            ScanIndexForward: true,
          },
          cap,
          records,
        );
        if (stopped) {
          truncated = true;
          break;
        }
      }
      return { records, truncated };
    },

    async listCreatedBetween(desk, from, to, cap) {
      const records: TicketRecord[] = [];
      const truncated = await drain(
        {
          TableName: tableName,
          IndexName: INDEX.byDataClassCreated,
          // Sort keys are `<createdAt>#<id>`; `#` sorts before every id character, `~` after.
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.dataClass(desk, 'ticket'),
            ':from': from,
            ':to': to,
          },
          ScanIndexForward: false,
        },
        cap,
        records,
      );
      return { records: records.filter((r) => r.ticket.createdAt < to), truncated };
    },
  };
}
