import type { BackfillSource, KpiChange, TicketKpiShare } from '../kpis/ports.ts';
import { type DynamoDBDocumentClient, QueryCommand } from '../runtime/aws/dynamodb.ts';
import type { Ticket } from '../tickets/model.ts';
import { ticketsWithActivity } from './activity-reads.ts';
import { itemsByKey } from './items-by-key.ts';
import { SURVEY_CLASS } from './survey-store.ts';
import { INDEX, keys } from './table-keys.ts';

const PAGE = 200;
const encode = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
const decode = (cursor: string | undefined) =>
  cursor
    ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>)
    : undefined;

/** A desk's tickets and survey answers by creation, through the byDataClassCreated index. */
export function dynamoKpiBackfillSource(doc: DynamoDBDocumentClient, tableName: string): BackfillSource {
  const page = (desk: string, dataClass: string, from: string | undefined) =>
    doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX.byDataClassCreated,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.dataClass(desk, dataClass) },
        ExclusiveStartKey: decode(from),
        Limit: PAGE,
      }),
    );
  return {
    async tickets(desk, from) {
      const res = await page(desk, 'ticket', from);
      const tickets = await ticketsWithActivity(doc, tableName, res.Items ?? []);
      return {
        items: tickets.map(({ item, activity }) => ({
          ticket: {
            id: item.id as string,
            desk: item.desk as string,
            createdAt: item.createdAt as string,
            priority: item.priority as Ticket['priority'],
            status: item.status as Ticket['status'],
            version: item.version as number,
          },
          activity,
          kpi: item.kpi as TicketKpiShare | undefined,
          kpiChange: item.kpiChange as KpiChange | undefined,
        })),
        next: encode(res.LastEvaluatedKey),
      };
    },
    async surveys(desk, from) {
      const res = await page(desk, SURVEY_CLASS, from);
      return {
        items: (await itemsByKey(doc, tableName, res.Items ?? [])).map((item) => ({
          ticketId: item.ticketId as string,
          submittedAt: item.submittedAt as string,
          ...(typeof item.csat === 'number' ? { csat: item.csat } : {}),
          ...(typeof item.nps === 'number' ? { nps: item.nps } : {}),
        })),
        next: encode(res.LastEvaluatedKey),
      };
    },
  };
}
