import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OutboundMail } from '../notices/outbound.ts';
import { INDEX, keys } from './table-keys.ts';

/** Data class of inbound-mail records (retention purges and the desk's mail log read it by date). */
export const INBOUND_MAIL_CLASS = 'inbound-mail';

export type InboundStatus =
  | 'processing'
  | 'ticket-created'
  | 'reply-added'
  | 'ignored'
  | 'rejected'
  | 'suspended';

/**
 * What became of one inbound email at one desk. Written before anything else (the claim that makes
 * a redelivery a no-op) and completed with the outcome; ignored and rejected mail is recorded with
 * its reason, never silently dropped.
 */
export interface InboundMailRecord {
  desk: string;
  dedupeKey: string;
  status: InboundStatus;
  reason?: string;
  /** Ticket opened or continued, and the message id used (claimed before the write). */
  ticketId?: string;
  messageId?: string;
  /** How the thread was found (`reply-address`, `in-reply-to`, …) or why a new ticket was opened. */
  threading?: string;
  from?: string;
  subject?: string;
  emailMessageId?: string;
  /** Where the raw MIME is (the receipt rule's object). */
  rawObject: { bucket: string; key: string };
  receivedAt: string;
  updatedAt: string;
  refusedAttachments?: Array<{ filename: string; reason: string }>;
}

/**
 * Mail whose From address SES's checks did not prove (no aligned SPF, DKIM or DMARC pass), held for
 * staff: nothing was added to any ticket. Leads release it (to a named ticket, or to a new one, with
 * its original received time) or reject it. The id is the inbound record's dedupe key.
 */
export interface SuspendedMail {
  desk: string;
  id: string;
  status: 'suspended' | 'releasing' | 'released' | 'rejected';
  reason: string;
  from: string;
  /** The address it was sent to (with any plus tag) and the queue address. */
  to: string;
  queueAddress: string;
  subject: string;
  envelopeSender: string;
  emailMessageId?: string;
  /** Reply-To the mail asked for (never followed). */
  replyTo?: string;
  verdicts: { spf: string; dkim: string; dmarc: string };
  /** Domains the checks were about, for staff judging it. */
  fromDomain?: string;
  spfDomain?: string;
  dkimDomains: string[];
  /** The ticket the mail tried to reach (plus address, In-Reply-To, subject tag), unverified. */
  claimedTicket?: { ticketId: string; via: string };
  rawObject: { bucket: string; key: string };
  receivedAt: string;
  /** The release or rejection. */
  decidedBy?: string;
  decidedAt?: string;
  decision?: string;
  ticketId?: string;
  messageId?: string;
}

export interface SuppressedAddress {
  desk: string;
  email: string;
  reason: 'bounce' | 'complaint';
  detail: string;
  at: string;
}

export interface OutboxPointer {
  desk: string;
  ticketId: string;
  touchedAt: string;
  nonce: string;
}

/** Fields to set on an outbound entry; `undefined` removes the field. */
export type OutboundPatch = { [K in keyof Omit<OutboundMail, 'id'>]?: OutboundMail[K] | undefined };

export interface MailStore {
  /** Claims the record (first delivery) or returns the one already there (a redelivery or a retry). */
  claimInbound(
    record: InboundMailRecord,
  ): Promise<{ claimed: true } | { claimed: false; existing: InboundMailRecord }>;
  completeInbound(
    desk: string,
    dedupeKey: string,
    outcome: Pick<InboundMailRecord, 'status'> & Partial<InboundMailRecord>,
  ): Promise<void>;
  listInbound(desk: string, limit: number): Promise<InboundMailRecord[]>;
  /** Remembers which ticket an email Message-ID belongs to (inbound mail, and SES's ids for ours). */
  mapMessageId(desk: string, idHash: string, ticketId: string, at: string): Promise<void>;
  ticketForMessageId(desk: string, idHash: string): Promise<string | undefined>;
  suppress(entry: SuppressedAddress): Promise<void>;
  suppression(desk: string, email: string): Promise<SuppressedAddress | undefined>;
  /** Stores suspended mail once (a redelivery finds it there and changes nothing). */
  putSuspended(mail: SuspendedMail): Promise<void>;
  getSuspended(desk: string, id: string): Promise<SuspendedMail | undefined>;
  listSuspended(desk: string, limit: number): Promise<SuspendedMail[]>;
  /** Moves suspended mail from one status to the next; false if it was no longer in `from`. */
  decideSuspended(
    desk: string,
    id: string,
    from: SuspendedMail['status'],
    patch: Partial<SuspendedMail> & Pick<SuspendedMail, 'status'>,
  ): Promise<boolean>;
  /** Notes that the ticket has mail to send (before the write that queues it); returns the nonce. */
  touchOutbox(desk: string, ticketId: string, at: string): Promise<string>;
  /** Forgets the note unless it was touched again since `nonce` was read. */
  clearOutbox(desk: string, ticketId: string, nonce: string): Promise<void>;
  listOutbox(desk: string, limit: number): Promise<OutboxPointer[]>;
  /** Takes an outbound entry for a send; false if another sender holds it or it is no longer pending. */
  claimOutbound(
    desk: string,
    ticketId: string,
    index: number,
    id: string,
    now: string,
    until: string,
  ): Promise<boolean>;
  /** Records the outcome of a send on the entry (sent, skipped, failed, or a retry with the error). */
  finishOutbound(
    desk: string,
    ticketId: string,
    index: number,
    id: string,
    patch: OutboundPatch,
  ): Promise<void>;
}

export function dynamoMailStore(doc: DynamoDBDocumentClient, tableName: string): MailStore {
  const fromItem = (item: Record<string, unknown>): InboundMailRecord => {
    const { pk, sk, kind, gsi3pk, gsi3sk, ...rest } = item;
    return rest as unknown as InboundMailRecord;
  };
  return {
    async claimInbound(record) {
      const key = keys.inboundMail(record.desk, record.dedupeKey);
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...key,
              kind: 'inbound-mail',
              ...record,
              gsi3pk: keys.dataClass(record.desk, INBOUND_MAIL_CLASS),
              gsi3sk: `${record.receivedAt}#${record.dedupeKey}`,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      if (!Item) throw new Error('inbound-mail record vanished between write and read');
      return { claimed: false, existing: fromItem(Item) };
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

    async listInbound(desk, limit) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byDataClassCreated,
          KeyConditionExpression: 'gsi3pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.dataClass(desk, INBOUND_MAIL_CLASS) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map(fromItem);
    },

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
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.suspendedMail(mail.desk, mail.id), kind: 'suspended-mail', ...mail },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async getSuspended(desk, id) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: keys.suspendedMail(desk, id), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { pk, sk, kind, ...rest } = Item;
      return rest as SuspendedMail;
    },

    async listSuspended(desk, limit) {
      const items: SuspendedMail[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.suspendedMailPartition(desk) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const { pk, sk, kind, ...rest } of page.Items ?? []) items.push(rest as SuspendedMail);
        start = page.LastEvaluatedKey;
      } while (start && items.length < 1000);
      return items.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)).slice(0, limit);
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
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.suspendedMail(desk, id),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#status = :from',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
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
      if (!Item) return undefined;
      const { pk, sk, kind, ...rest } = Item;
      return rest as SuppressedAddress;
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
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: keys.outboxPartition(desk), sk: `TICKET#${ticketId}` },
            ConditionExpression: 'nonce = :nonce',
            ExpressionAttributeValues: { ':nonce': nonce },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
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
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(desk, ticketId),
            UpdateExpression: `SET ${entry}.claimedUntil = :until`,
            ConditionExpression: `${entry}.id = :id AND ${entry}.#status = :pending AND (attribute_not_exists(${entry}.claimedUntil) OR ${entry}.claimedUntil < :now)`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':id': id, ':pending': 'pending', ':until': until, ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
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
