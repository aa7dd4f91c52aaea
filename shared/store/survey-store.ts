import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX, keys } from './table-keys.ts';

/** A customer's answer to the closure survey: one per ticket. */
export interface SurveyResponse {
  desk: string;
  ticketId: string;
  /** 1–5 */
  csat?: number | undefined;
  /** 0–10 */
  nps?: number | undefined;
  comment?: string | undefined;
  submittedAt: string;
}

export interface SurveyStore {
  get(desk: string, ticketId: string): Promise<SurveyResponse | undefined>;
  /** Records the answer unless the ticket already has one (then returns the stored one). */
  putOnce(
    response: SurveyResponse,
  ): Promise<{ recorded: true } | { recorded: false; existing: SurveyResponse }>;
  /** Answers submitted in [from, to), at most `cap` (newest first). */
  listSubmittedBetween(
    desk: string,
    from: string,
    to: string,
    cap: number,
  ): Promise<{ responses: SurveyResponse[]; truncated: boolean }>;
}

/** Data class of survey answers on the byDataClassCreated index (keyed by submission time). */
export const SURVEY_CLASS = 'survey';

const toResponse = (item: Record<string, unknown>): SurveyResponse => ({
  desk: item.desk as string,
  ticketId: item.ticketId as string,
  ...(typeof item.csat === 'number' ? { csat: item.csat } : {}),
  ...(typeof item.nps === 'number' ? { nps: item.nps } : {}),
  ...(typeof item.comment === 'string' ? { comment: item.comment } : {}),
  submittedAt: item.submittedAt as string,
});

export function dynamoSurveyStore(doc: DynamoDBDocumentClient, tableName: string): SurveyStore {
  const store: SurveyStore = {
    async get(desk, ticketId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: keys.survey(desk, ticketId), ConsistentRead: true }),
      );
      return Item ? toResponse(Item) : undefined;
    },

    async putOnce(response) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.survey(response.desk, response.ticketId),
              kind: 'survey',
              ...response,
              gsi3pk: keys.dataClass(response.desk, SURVEY_CLASS),
              gsi3sk: `${response.submittedAt}#${response.ticketId}`,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { recorded: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing = await store.get(response.desk, response.ticketId);
        if (!existing) throw new Error('Survey answer vanished between write and read');
        return { recorded: false, existing };
      }
    },

    async listSubmittedBetween(desk, from, to, cap) {
      const responses: SurveyResponse[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: INDEX.byDataClassCreated,
            KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': keys.dataClass(desk, SURVEY_CLASS),
              ':from': from,
              ':to': to,
            },
            ScanIndexForward: false,
            ExclusiveStartKey: start,
            Limit: Math.min(500, cap - responses.length + 1),
          }),
        );
        for (const item of page.Items ?? []) {
          const r = toResponse(item);
          if (r.submittedAt < to) responses.push(r);
        }
        start = page.LastEvaluatedKey;
      } while (start && responses.length <= cap);
      const truncated = responses.length > cap || Boolean(start && responses.length >= cap);
      return { responses: responses.slice(0, cap), truncated };
    },
  };
  return store;
}
