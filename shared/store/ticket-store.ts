import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { INDEX_CLASS } from '../compliance/data-classes.ts';
import type { OutboundMail } from '../notices/outbound.ts';
import { blobKeys } from '../objects/keys.ts';
import type { BlobStore } from '../objects/ports.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Message, Ticket } from '../tickets/model.ts';
import {
  type ListTicketsQuery,
  type StoredTicket,
  type TicketStore,
  VersionConflict,
} from '../tickets/ports.ts';
import type { TicketSlaState, WorkflowState } from '../workflow/model.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { dynamoIdempotencyStore } from './idempotency-store.ts';
import { INDEX, keys, NO_DEADLINE } from './table-keys.ts';

/** Bodies longer than this many characters are kept in the object store, not in the item. */
export const INLINE_BODY_LIMIT = 4096;

export function dynamoTicketStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
  blobs: BlobStore,
): TicketStore {
  const newTicketItem = (stored: StoredTicket) => {
    const t = stored.ticket;
    return {
      ...keys.ticket(t.desk, t.id),
      kind: 'ticket',
      ...t,
      activity: stored.activity,
      // Parent maps must exist before the workflow SETs members of them.
      sla: { actions: [], nextCheckpoint: null, packVersion: '' },
      workflow: {},
      outbox: stored.outbox ?? [],
      gsi1pk: keys.deskStatus(t.desk, t.status),
      gsi1sk: `${NO_DEADLINE}#${t.id}`,
      gsi2pk: keys.requester(t.desk, t.requester.email),
      gsi2sk: `${t.createdAt}#${t.id}`,
      gsi3pk: keys.dataClass(t.desk, 'ticket'),
      gsi3sk: `${t.createdAt}#${t.id}`,
      ...workflowDueMarker(t),
    };
  };

  const toStored = (item: Record<string, unknown>): StoredTicket => {
    const {
      pk,
      sk,
      kind,
      activity,
      sla,
      workflow,
      gsi1pk,
      gsi1sk,
      gsi2pk,
      gsi2sk,
      gsi3pk,
      gsi3sk,
      gsi4pk,
      gsi4sk,
      outbox,
      ...ticket
    } = item;
    return {
      ticket: ticket as Ticket,
      activity: (activity ?? []) as TicketActivity[],
      sla: sla as TicketSlaState | undefined,
      workflow: workflow as WorkflowState | undefined,
      outbox: (outbox ?? []) as OutboundMail[],
      workflowDueSince: typeof gsi4sk === 'string' ? gsi4sk.split('#')[0] : undefined,
    };
  };

  const toMessage = async (item: Record<string, unknown>): Promise<Message> => {
    const { pk, sk, kind, bodyRef, body, gsi3pk, gsi3sk, ...rest } = item;
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
            Item: newTicketItem(stored),
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
            // Chat transcripts have their own retention (shared/compliance/data-classes.ts).
            ...(message.channel === 'chat'
              ? {
                  gsi3pk: keys.dataClass(message.desk, INDEX_CLASS.chatTranscript),
                  gsi3sk: `${message.createdAt}#${message.id}`,
                }
              : {}),
          },
        }),
      );
    },

    async commitChange(stored, expectedVersion, newOutbound = []) {
      const t = stored.ticket;
      const update = setExpression({
        ...ticketFields(t),
        activity: stored.activity,
        gsi1pk: keys.deskStatus(t.desk, t.status),
        ...workflowDueMarker(t),
      });
      // Appended, never rewritten: the mail sender updates entries in place without a version bump.
      const outbox = newOutbound.length
        ? {
            expression: ', outbox = list_append(if_not_exists(outbox, :noMail), :newOutbound)',
            values: { ':noMail': [], ':newOutbound': newOutbound },
          }
        : { expression: '', values: {} };
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(t.desk, t.id),
            UpdateExpression: update.expression + outbox.expression,
            ConditionExpression: '#version = :expectedVersion',
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: {
              ...update.values,
              ...outbox.values,
              ':expectedVersion': expectedVersion,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const workflow = Attributes?.workflow as WorkflowState | undefined;
        return { taskToken: workflow?.taskToken };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new VersionConflict(t.id);
        throw error;
      }
    },

    async recordSlaProgress(progress) {
      const t = progress.ticket;
      const update = setExpression({
        ...ticketFields(t),
        gsi1pk: keys.deskStatus(t.desk, t.status),
        // Queue order and the reconciler's overdue sweep: the next instant the workflow must act.
        gsi1sk: `${progress.nextCheckpoint ?? progress.wakeAt ?? NO_DEADLINE}#${t.id}`,
        'workflow.executionName': progress.executionName,
        'workflow.executionStartedAt': progress.executionStartedAt,
      });
      const values: Record<string, unknown> = {
        ...update.values,
        ':expectedVersion': progress.expectedVersion,
        ':newActivity': progress.newActivity,
        ':newActions': progress.newActions,
        ':empty': [],
        ':next': progress.nextCheckpoint,
        ':packVersion': progress.packVersion,
        ':newOutbound': progress.newOutbound ?? [],
      };
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(t.desk, t.id),
            UpdateExpression: `${update.expression}, activity = list_append(activity, :newActivity), sla.actions = list_append(if_not_exists(sla.actions, :empty), :newActions), sla.nextCheckpoint = :next, sla.packVersion = :packVersion, outbox = list_append(if_not_exists(outbox, :empty), :newOutbound) REMOVE gsi4pk, gsi4sk, workflow.taskToken, workflow.parkedVersion`,
            ConditionExpression: '#version = :expectedVersion',
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new VersionConflict(t.id);
        throw error;
      }
    },

    async parkWorkflow(desk, ticketId, park) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(desk, ticketId),
            UpdateExpression:
              'SET workflow.taskToken = :token, workflow.parkedVersion = :seen, workflow.sleepingUntil = :until',
            ConditionExpression: '#version = :seen AND attribute_not_exists(gsi4pk)',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: {
              ':token': park.taskToken,
              ':seen': park.seenVersion,
              ':until': park.until,
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async listOverdueCheckpoints(desk, status, before, limit) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byDeskStatusDue,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': keys.deskStatus(desk, status), ':before': before },
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map((item) => ({
        desk,
        ticketId: item.id as string,
        since: String(item.gsi1sk).split('#')[0] ?? '',
      }));
    },

    async listWorkflowDue(desk, before, limit) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byWorkflowPending,
          KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk < :before',
          ExpressionAttributeValues: { ':pk': keys.workflowDue(desk), ':before': before },
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map((item) => ({
        desk,
        ticketId: item.id as string,
        since: String(item.gsi4sk).split('#')[0] ?? '',
      }));
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

    // Claimed in the idempotency store; the ticket store still offers it to the ticket service.
    claimIdempotencyKey: dynamoIdempotencyStore(doc, tableName).claimIdempotencyKey,
  };
}

/** The public ticket fields of an item (what commitChange rewrites). */
function ticketFields(t: Ticket): Record<string, unknown> {
  const { id: _id, desk: _desk, createdAt: _createdAt, ...changeable } = t;
  return changeable;
}

/** Marks the ticket as changed since its workflow last looked (byWorkflowPending index). */
function workflowDueMarker(t: Ticket) {
  return { gsi4pk: keys.workflowDue(t.desk), gsi4sk: `${t.updatedAt}#${t.id}` };
}

/** `SET #a = :a, #b = :b` for a flat record; dotted names address map members (`workflow.x`). */
function setExpression(fields: Record<string, unknown>) {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  Object.entries(fields).forEach(([name, value], i) => {
    const path = name
      .split('.')
      .map((segment, j) => {
        const alias = `#f${i}_${j}`;
        names[alias] = segment;
        return alias;
      })
      .join('.');
    values[`:f${i}`] = value;
    parts.push(`${path} = :f${i}`);
  });
  return { expression: `SET ${parts.join(', ')}`, names, values };
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
