import { type DynamoDBDocumentClient, GetCommand } from '../runtime/aws/dynamodb.ts';
import type { SurveyResponse, SurveyStore } from '../survey/ports.ts';
import { claimOnceOrExisting } from './conditional-put.ts';
import { queryAll } from './query-all.ts';
import { byClass, INDEX, keys } from './table-keys.ts';

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
      const outcome = await claimOnceOrExisting(doc, tableName, {
        ...keys.survey(response.desk, response.ticketId),
        kind: 'survey',
        ...response,
        ...byClass(response.desk, SURVEY_CLASS, `${response.submittedAt}#${response.ticketId}`),
      });
      return outcome.claimed
        ? { recorded: true }
        : { recorded: false, existing: toResponse(outcome.existing) };
    },

    async listSubmittedBetween(desk, from, to, cap) {
      const items = await queryAll(
        doc,
        {
          TableName: tableName,
          IndexName: INDEX.byDataClassCreated,
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.dataClass(desk, SURVEY_CLASS), ':from': from, ':to': to },
          ScanIndexForward: false,
          Limit: Math.min(500, cap + 1),
        },
        // One past the cap tells a truncated read from one that ended exactly at it.
        { max: cap + 1 },
      );
      const responses = items.map(toResponse).filter((r) => r.submittedAt < to);
      return { responses: responses.slice(0, cap), truncated: responses.length > cap };
    },
  };
  return store;
}
