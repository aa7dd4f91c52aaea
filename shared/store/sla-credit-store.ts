import type { AccountCredit, CreditReport } from '../incidents/credits.ts';
import type { AccountSource, CreditStore } from '../incidents/ports.ts';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  isConditionalCheckFailed,
  PutCommand,
} from '../runtime/aws/dynamodb.ts';
import { queryAll } from './query-all.ts';
import { INDEX, keys } from './table-keys.ts';

/** A month's credits in one partition: `REPORT` last, so a report means its account items are all written. */
export function dynamoCreditStore(doc: DynamoDBDocumentClient, tableName: string): CreditStore {
  return {
    async getReport(desk, month) {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: keys.slaCredits(desk, month), sk: 'REPORT' },
          ConsistentRead: true,
        }),
      );
      return Item ? (Item.report as CreditReport) : undefined;
    },

    async putMonth(report, credits) {
      const pk = keys.slaCredits(report.desk, report.month);
      // Repeatable: the same keys, so a run that stopped half-way is completed by the next.
      for (const credit of credits) {
        await doc
          .send(
            new PutCommand({
              TableName: tableName,
              Item: { pk, sk: `ACCOUNT#${credit.account}`, kind: 'sla-credit', credit },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          )
          .catch((error: unknown) => {
            if (!isConditionalCheckFailed(error)) throw error;
          });
      }
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk, sk: 'REPORT', kind: 'sla-credit-report', report },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async listCredits(desk, month, cap) {
      // A month holds one item per credited account: read it whole, answer at most `cap`.
      const items = (
        await queryAll(doc, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :account)',
          ExpressionAttributeValues: { ':pk': keys.slaCredits(desk, month), ':account': 'ACCOUNT#' },
        })
      ).map((item) => item.credit as AccountCredit);
      return { items: items.slice(0, cap), truncated: items.length > cap };
    },
  };
}

/** The requester and plan of a desk's tickets created in [from, to), from the creation index. */
export function dynamoAccountSource(doc: DynamoDBDocumentClient, tableName: string): AccountSource {
  return {
    async ticketsCreatedBetween(desk, from, to) {
      const items = await queryAll(doc, {
        TableName: tableName,
        IndexName: INDEX.byDataClassCreated,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.dataClass(desk, 'ticket'), ':from': from, ':to': to },
        // Only what an account needs: never subjects or bodies.
        ProjectionExpression: '#r.#e, #p, #c',
        ExpressionAttributeNames: { '#r': 'requester', '#e': 'email', '#p': 'plan', '#c': 'createdAt' },
      });
      return items.flatMap((item) => {
        const email = (item.requester as { email?: string } | undefined)?.email;
        const createdAt = String(item.createdAt ?? '');
        return email && typeof item.plan === 'string' && createdAt < to
          ? [{ email, plan: item.plan, createdAt }]
          : [];
      });
    },
  };
}
