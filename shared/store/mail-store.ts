import type { InboundMailRecord, MailStore, SuppressedAddress, SuspendedMail } from '../mail/ports.ts';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../runtime/aws/dynamodb.ts';
import { claimOnce, claimOnceOrExisting, conditionHeld } from './conditional-put.ts';
import { newestOfClass, queryAll } from './query-all.ts';
import { byClass, keys, withoutKeys } from './table-keys.ts';

/** Data class of inbound-mail records (retention purges and the desk's mail log read it by date). */
export const INBOUND_MAIL_CLASS = 'inbound-mail';

export function dynamoMailStore(doc: DynamoDBDocumentClient, tableName: string): MailStore {
  const fromItem = (item: Record<string, unknown>): InboundMailRecord => {
    const { pk, sk, kind, gsi3pk, gsi3sk, ...rest } = item;
    return rest as unknown as InboundMailRecord;
  };
  return {
    async claimInbound(record) {
      const outcome = await claimOnceOrExisting(doc, tableName, {
        ...keys.inboundMail(record.desk, record.dedupeKey),
        kind: 'inbound-mail',
        ...record,
        ...byClass(record.desk, INBOUND_MAIL_CLASS, `${record.receivedAt}#${record.dedupeKey}`),
      });
      return outcome.claimed ? { claimed: true } : { claimed: false, existing: fromItem(outcome.existing) };
    },

    async completeInbound(desk, dedupeKey, outcome) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets = Object.entries(outcome)
        .filter(([name, v]) => v !== undefined && name !== 'desk' && name !== 'dedupeKey')
        .map(([name, v], i) => {
          names[`#a${i}`] = name;
          values[`:v${i}`] = v;
          return `#a${i} = :v${i}`;
        });
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.inboundMail(desk, dedupeKey),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    listInbound: async (desk, limit) =>
      (await newestOfClass(doc, tableName, desk, INBOUND_MAIL_CLASS, limit)).map(fromItem),

    async mapMessageId(desk, idHash, ticketId, at) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.mailMessageId(desk, idHash), kind: 'mail-message-id', ticketId, createdAt: at },
        }),
      );
    },

    async ticketForMessageId(desk, idHash) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: keys.mailMessageId(desk, idHash), ConsistentRead: true }),
      );
      return typeof Item?.ticketId === 'string' ? Item.ticketId : undefined;
    },

    async putSuspended(mail) {
      // A redelivered mail is suspended once.
      await claimOnce(doc, tableName, {
        ...keys.suspendedMail(mail.desk, mail.id),
        kind: 'suspended-mail',
        ...mail,
      });
    },

    async getSuspended(desk, id) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: keys.suspendedMail(desk, id), ConsistentRead: true }),
      );
      return Item ? (withoutKeys(Item) as unknown as SuspendedMail) : undefined;
    },

    async listSuspended(desk, limit) {
      const items = await queryAll(
        doc,
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.suspendedMailPartition(desk) },
        },
        { max: 1000 },
      );
      return items
        .map((item) => withoutKeys(item) as unknown as SuspendedMail)
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
        .slice(0, limit);
    },

    async decideSuspended(desk, id, from, patch) {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = { ':from': from };
      const sets = Object.entries(patch)
        .filter(([, v]) => v !== undefined)
        .map(([name, v], i) => {
          names[`#a${i}`] = name;
          values[`:v${i}`] = v;
          return `#a${i} = :v${i}`;
        });
      return conditionHeld(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.suspendedMail(desk, id),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#status = :from',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    async suppress(entry) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.suppressedAddress(entry.desk, entry.email), kind: 'suppressed-address', ...entry },
        }),
      );
    },

    async suppression(desk, email) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: keys.suppressedAddress(desk, email.toLowerCase()) }),
      );
      return Item ? (withoutKeys(Item) as unknown as SuppressedAddress) : undefined;
    },

    async touchOutbox(desk, ticketId, at) {
      const nonce = `${at}#${Math.random().toString(36).slice(2, 10)}`;
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: keys.outboxPartition(desk),
            sk: `TICKET#${ticketId}`,
            kind: 'outbox',
            desk,
            ticketId,
            touchedAt: at,
            nonce,
          },
        }),
      );
      return nonce;
    },

    async clearOutbox(desk, ticketId, nonce) {
      // A newer touch (another nonce) keeps the pointer.
      await conditionHeld(
        doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: keys.outboxPartition(desk), sk: `TICKET#${ticketId}` },
            ConditionExpression: 'nonce = :nonce',
            ExpressionAttributeValues: { ':nonce': nonce },
          }),
        ),
      );
    },

    async listOutbox(desk, limit) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.outboxPartition(desk) },
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map((i) => ({
        desk,
        ticketId: String(i.ticketId),
        touchedAt: String(i.touchedAt),
        nonce: String(i.nonce),
      }));
    },

    async claimOutbound(desk, ticketId, index, id, now, until) {
      const entry = `outbox[${index}]`;
      return conditionHeld(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(desk, ticketId),
            UpdateExpression: `SET ${entry}.claimedUntil = :until`,
            ConditionExpression: `${entry}.id = :id AND ${entry}.#status = :pending AND (attribute_not_exists(${entry}.claimedUntil) OR ${entry}.claimedUntil < :now)`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':id': id, ':pending': 'pending', ':until': until, ':now': now },
          }),
        ),
      );
    },

    async finishOutbound(desk, ticketId, index, id, patch) {
      const entry = `outbox[${index}]`;
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':id': id };
      const sets: string[] = [];
      const removes: string[] = [];
      Object.entries(patch).forEach(([name, v], i) => {
        names[`#p${i}`] = name;
        if (v === undefined) removes.push(`${entry}.#p${i}`);
        else {
          values[`:p${i}`] = v;
          sets.push(`${entry}.#p${i} = :p${i}`);
        }
      });
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.ticket(desk, ticketId),
          UpdateExpression: [
            sets.length ? `SET ${sets.join(', ')}` : '',
            removes.length ? `REMOVE ${removes.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join(' '),
          ConditionExpression: `${entry}.id = :id`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },
  };
}
