import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Message, Priority, Status, Ticket } from '../tickets/model.ts';
import type { BlobStore } from './blob-store.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { blobKeys, INDEX, keys, NO_DEADLINE } from './table-keys.ts';

/** A ticket as stored: the public ticket plus its activity log (the SLA engine's input). */
export interface StoredTicket {
  ticket: Ticket;
  activity: TicketActivity[];
}

export interface ListTicketsQuery {
  desk: string;
  status?: Status | undefined;
  priority?: Priority | undefined;
  requesterEmail?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface TicketPage {
  tickets: Ticket[];
  nextCursor: string | undefined;
}

export interface IdempotencyClaim {
  desk: string;
  principalId: string;
  scope: string;
  key: string;
  requestHash: string;
  resourceId: string;
  at: string;
}

export type IdempotencyOutcome =
  | { kind: 'claimed' }
  | { kind: 'replay'; resourceId: string }
  | { kind: 'mismatch' };

export class VersionConflict extends Error {
  constructor(readonly ticketId: string) {
    super(`Ticket ${ticketId} changed concurrently`);
    this.name = 'VersionConflict';
  }
}

/** Bodies longer than this many characters are kept in the object store, not in the item. */
export const INLINE_BODY_LIMIT = 4096;

export interface TicketStore {
  getTicket(desk: string, ticketId: string): Promise<StoredTicket | undefined>;
  getTicketWithMessages(
    desk: string,
    ticketId: string,
  ): Promise<{ stored: StoredTicket; messages: Message[] } | undefined>;
  /** Writes a new ticket; `false` when it already exists (a retried create). */
  putNewTicket(stored: StoredTicket): Promise<boolean>;
  /** Writes a message item. Invisible until a committed ticket change references it. */
  putMessage(message: Message): Promise<void>;
  /** Replaces the ticket if its stored version is still `expectedVersion`; else throws VersionConflict. */
  commitChange(stored: StoredTicket, expectedVersion: number): Promise<void>;
  listTickets(query: ListTicketsQuery): Promise<TicketPage>;
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyOutcome>;
}

export function dynamoTicketStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
  blobs: BlobStore,
): TicketStore {
  const ticketItem = (stored: StoredTicket) => {
    const t = stored.ticket;
    return {
      ...keys.ticket(t.desk, t.id),
      kind: 'ticket',
      ...t,
      activity: stored.activity,
      gsi1pk: keys.deskStatus(t.desk, t.status),
      gsi1sk: `${NO_DEADLINE}#${t.id}`,
      gsi2pk: keys.requester(t.desk, t.requester.email),
      gsi2sk: `${t.createdAt}#${t.id}`,
      gsi3pk: keys.dataClass(t.desk, 'ticket'),
      gsi3sk: `${t.createdAt}#${t.id}`,
    };
  };

  const toStored = (item: Record<string, unknown>): StoredTicket => {
    const {
      pk,
      sk,
      kind,
      activity,
      gsi1pk,
      gsi1sk,
      gsi2pk,
      gsi2sk,
      gsi3pk,
      gsi3sk,
      gsi4pk,
      gsi4sk,
      ...ticket
    } = item;
    return { ticket: ticket as Ticket, activity: (activity ?? []) as TicketActivity[] };
  };

  const toMessage = async (item: Record<string, unknown>): Promise<Message> => {
    const { pk, sk, kind, bodyRef, body, ...rest } = item;
    const text = typeof bodyRef === 'string' ? await blobs.getText(bodyRef) : (body as string);
    return { ...(rest as Omit<Message, 'body'>), body: text };
  };

  return {
    async getTicket(desk, ticketId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: keys.ticket(desk, ticketId), ConsistentRead: true }),
      );
      return Item ? toStored(Item) : undefined;
    },

    async getTicketWithMessages(desk, ticketId) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.ticketPartition(desk, ticketId) },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      const ticketRecord = items.find((i) => i.sk === 'TICKET');
      if (!ticketRecord) return undefined;
      const stored = toStored(ticketRecord);
      // Only messages a committed change refers to exist; an orphan from a crashed write stays hidden.
      const committed = new Set(stored.activity.flatMap((a) => ('messageId' in a ? [a.messageId] : [])));
      committed.add(stored.ticket.id);
      const messageItems = items.filter((i) => i.kind === 'message' && committed.has(i.id as string));
      const messages = await Promise.all(messageItems.map(toMessage));
      return { stored, messages };
    },

    async putNewTicket(stored) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: ticketItem(stored),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async putMessage(message) {
      const { body, ...rest } = message;
      let bodyAttributes: { body: string } | { bodyRef: string } = { body };
      if (body.length > INLINE_BODY_LIMIT) {
        const bodyRef = blobKeys.messageBody(message.desk, message.ticketId, message.id);
        await blobs.put(bodyRef, body, 'text/plain; charset=utf-8');
        bodyAttributes = { bodyRef };
      }
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.message(message.desk, message.ticketId, message.id),
            kind: 'message',
            ...rest,
            ...bodyAttributes,
          },
        }),
      );
    },

    async commitChange(stored, expectedVersion) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: ticketItem(stored),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new VersionConflict(stored.ticket.id);
        throw error;
      }
    },

    async listTickets(query) {
      const plan = planListQuery(query);
      const filters: string[] = [];
      const values: Record<string, unknown> = { ':pk': plan.partition };
      const names: Record<string, string> = {};
      if (query.status && plan.index !== INDEX.byDeskStatusDue) {
        filters.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = query.status;
      }
      if (query.priority) {
        filters.push('priority = :priority');
        values[':priority'] = query.priority;
      }
      if (query.requesterEmail && plan.index !== INDEX.byRequester) {
        filters.push('requester.email = :email');
        values[':email'] = query.requesterEmail;
      }
      const input: QueryCommandInput = {
        TableName: tableName,
        IndexName: plan.index,
        KeyConditionExpression: `${plan.partitionAttribute} = :pk`,
        ExpressionAttributeValues: values,
        ScanIndexForward: plan.ascending,
        Limit: query.limit,
        ExclusiveStartKey: query.cursor
          ? decodeCursor(query.cursor, plan.partitionAttribute, plan.partition)
          : undefined,
      };
      if (filters.length) input.FilterExpression = filters.join(' AND ');
      if (Object.keys(names).length) input.ExpressionAttributeNames = names;
      const page = await doc.send(new QueryCommand(input));
      return {
        tickets: (page.Items ?? []).map((item) => toStored(item).ticket),
        nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
      };
    },

    async claimIdempotencyKey(claim) {
      const key = keys.idempotency(claim.desk, claim.principalId, claim.scope, claim.key);
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...key,
              kind: 'idempotency',
              requestHash: claim.requestHash,
              resourceId: claim.resourceId,
              createdAt: claim.at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { kind: 'claimed' };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      if (!Item) throw new Error('Idempotency record vanished between write and read');
      return Item.requestHash === claim.requestHash
        ? { kind: 'replay', resourceId: Item.resourceId as string }
        : { kind: 'mismatch' };
    },
  };
}

/** Picks the index that serves a list query best; remaining filters run as a FilterExpression. */
function planListQuery(query: ListTicketsQuery) {
  if (query.requesterEmail) {
    return {
      index: INDEX.byRequester,
      partitionAttribute: 'gsi2pk',
      partition: keys.requester(query.desk, query.requesterEmail),
      ascending: false,
    };
  }
  if (query.status) {
    return {
      index: INDEX.byDeskStatusDue,
      partitionAttribute: 'gsi1pk',
      partition: keys.deskStatus(query.desk, query.status),
      ascending: true,
    };
  }
  return {
    index: INDEX.byDataClassCreated,
    partitionAttribute: 'gsi3pk',
    partition: keys.dataClass(query.desk, 'ticket'),
    ascending: false,
  };
}
