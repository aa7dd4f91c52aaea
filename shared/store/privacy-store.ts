import type { Consent } from '../privacy/consent.ts';
import type { PrivacyStore, PrivateAccessRecord } from '../privacy/ports.ts';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  isConditionalCheckFailed,
  PutCommand,
  QueryCommand,
} from '../runtime/aws/dynamodb.ts';

/**
 * Consents and private-data access records of a ticket, in a partition of their own beside the ticket's
 * (`DESK#<desk>#PRIVACY#<ticket>`), so reading a ticket never reads them and they stay, as accountability
 * records, for as long as the desk keeps its audit.
 */
const partition = (desk: string, ticketId: string) => `DESK#${desk}#PRIVACY#${ticketId}`;
const consentKey = (desk: string, ticketId: string, id: string) => ({
  pk: partition(desk, ticketId),
  sk: `CONSENT#${id}`,
});

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return rest as T;
}

export function dynamoPrivacyStore(doc: DynamoDBDocumentClient, tableName: string): PrivacyStore {
  async function query<T>(desk: string, ticketId: string, prefix: string): Promise<T[]> {
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': partition(desk, ticketId), ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(strip<T>(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  return {
    async putConsent(consent) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...consentKey(consent.desk, consent.ticketId, consent.id), kind: 'consent', ...consent },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async replaceConsent(consent, expectedVersion) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...consentKey(consent.desk, consent.ticketId, consent.id), kind: 'consent', ...consent },
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
    async getConsent(desk, ticketId, consentId) {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: consentKey(desk, ticketId, consentId),
          ConsistentRead: true,
        }),
      );
      return Item ? strip<Consent>(Item) : undefined;
    },
    listConsents: (desk, ticketId) => query<Consent>(desk, ticketId, 'CONSENT#'),
    async recordAccess(record: PrivateAccessRecord) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: partition(record.desk, record.ticketId),
            sk: `ACCESS#${record.at}#${record.id}`,
            kind: 'private-access',
            ...record,
          },
        }),
      );
    },
    listAccess: (desk, ticketId) => query<PrivateAccessRecord>(desk, ticketId, 'ACCESS#'),
  };
}
