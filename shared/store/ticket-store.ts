import { INDEX_CLASS } from '../compliance/data-classes.ts';
import type { KpiChange, TicketKpiShare } from '../kpis/ports.ts';
import type { TicketShareCommit } from '../kpis/recorder.ts';
import type { OutboundMail, OutboundOutcome } from '../notices/outbound.ts';
import { blobKeys } from '../objects/keys.ts';
import type { BlobStore } from '../objects/ports.ts';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  isConditionalCheckFailed,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../runtime/aws/dynamodb.ts';
import {
  ACTIVITY_ITEM_KIND,
  activityFromItems,
  activityStartOf,
  movedRecordsFromItems,
} from '../tickets/activity.ts';
import type { Message, Ticket } from '../tickets/model.ts';
import {
  type ListTicketsQuery,
  type RequesterMailCheck,
  type StoredTicket,
  type TicketReader,
  type TicketStore,
  VersionConflict,
} from '../tickets/ports.ts';
import type { TicketSlaState, WorkflowState } from '../workflow/model.ts';
import type { MailRecord, ParkProgress } from '../workflow/ports.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { dynamoIdempotencyStore } from './idempotency-store.ts';
import { itemsByKey } from './items-by-key.ts';
import { queryAll } from './query-all.ts';
import { INDEX, keys, NO_DEADLINE } from './table-keys.ts';
import { mailCheckSpent, noteOfItem, planCopyOut, withMovedRecords } from './ticket-item-layout.ts';

/** A copy-out the commit makes (ticket-item-layout.ts). */
type CopyOut = NonNullable<ReturnType<typeof planCopyOut>>;

/** Bodies longer than this many characters are kept in the object store, not in the item. */
export const INLINE_BODY_LIMIT = 4096;

/** The ticket item as the domain sees it; `partition` holds its activity items, when read with it. */
function toStored(item: Record<string, unknown>, partition: Record<string, unknown>[] = []): StoredTicket {
  const {
    pk,
    sk,
    kind,
    activity: _tail,
    activityStart: _start,
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
    kpi,
    kpiChange,
    requesterMailCheck,
    ...ticket
  } = item;
  const activity = activityFromItems(item, partition);
  // Settled mail and applied actions may be stubs on the item: their full records are in the chunks.
  const moved = movedRecordsFromItems(partition);
  const slaState = sla as TicketSlaState | undefined;
  const mail = withMovedRecords((outbox ?? []) as OutboundMail[], moved.outbox);
  return {
    ticket: ticket as Ticket,
    activity,
    activityStored: noteOfItem(item, { start: activityStartOf(item), count: activity.length }, mail),
    sla: slaState?.actions
      ? { ...slaState, actions: withMovedRecords(slaState.actions, moved.slaActions) }
      : slaState,
    workflow: workflow as WorkflowState | undefined,
    outbox: mail,
    kpi: kpi as TicketKpiShare | undefined,
    kpiChange: kpiChange as KpiChange | undefined,
    requesterMailCheck: requesterMailCheck as RequesterMailCheck | undefined,
    workflowDueSince:
      gsi4pk === keys.workflowDue(String(item.desk)) ? String(gsi4sk).split('#')[0] : undefined,
    mailPendingSince:
      gsi4pk === keys.mailPending(String(item.desk)) ? String(gsi4sk).split('#')[0] : undefined,
  };
}

/**
 * The ticket reads alone: a function that only reads tickets (legal holds, consent, surveys, incidents)
 * bundles none of the store's write paths.
 */
export function dynamoTicketReader(
  doc: DynamoDBDocumentClient,
  tableName: string,
  blobs: Pick<BlobStore, 'getText'>,
): TicketReader {
  const toMessage = async (item: Record<string, unknown>): Promise<Message> => {
    const { pk, sk, kind, bodyRef, body, gsi3pk, gsi3sk, ...rest } = item;
    const text = typeof bodyRef === 'string' ? await blobs.getText(bodyRef) : (body as string);
    return { ...(rest as Omit<Message, 'body'>), body: text };
  };

  return {
    async getTicket(desk, ticketId) {
      // The ticket item and its activity items (`TICKET#ACTIVITY#…` sorts right after `TICKET`).
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ticket)',
        ExpressionAttributeValues: { ':pk': keys.ticketPartition(desk, ticketId), ':ticket': 'TICKET' },
        ConsistentRead: true,
      });
      const item = items.find((i) => i.sk === 'TICKET');
      return item ? toStored(item, items) : undefined;
    },

    async getTicketWithMessages(desk, ticketId) {
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticketPartition(desk, ticketId) },
        ConsistentRead: true,
      });
      const ticketRecord = items.find((i) => i.sk === 'TICKET');
      if (!ticketRecord) return undefined;
      const stored = toStored(ticketRecord, items);
      // Only messages a committed change refers to exist; an orphan from a crashed write stays hidden.
      const committed = new Set(stored.activity.flatMap((a) => ('messageId' in a ? [a.messageId] : [])));
      committed.add(stored.ticket.id);
      const messageItems = items.filter((i) => i.kind === 'message' && committed.has(i.id as string));
      const messages = await Promise.all(messageItems.map(toMessage));
      return { stored, messages };
    },

    async listTickets(query) {
      const plan = planListQuery(query);
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: plan.index,
          KeyConditionExpression: `${plan.partitionAttribute} = :pk`,
          ExpressionAttributeValues: { ':pk': plan.partition },
          ScanIndexForward: plan.ascending,
          Limit: query.limit,
          ExclusiveStartKey: query.cursor
            ? decodeCursor(query.cursor, plan.partitionAttribute, plan.partition)
            : undefined,
        }),
      );
      // The index gives keys and ids; the tickets are fetched by key and the other criteria applied to
      // them (as a FilterExpression would: a page may hold fewer than `limit`, the cursor goes on).
      const tickets = (await itemsByKey(doc, tableName, page.Items ?? []))
        .map((item) => toStored(item).ticket)
        .filter(
          (t) =>
            (!query.status || t.status === query.status) &&
            (!query.priority || t.priority === query.priority) &&
            (!query.requesterEmail || t.requester.email === query.requesterEmail),
        );
      return {
        tickets,
        nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
      };
    },
  };
}

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
      // The first change's entries stay on the item until the next change moves them out.
      activity: stored.activity,
      activityStart: 0,
      // Parent maps must exist before the workflow SETs members of them.
      sla: { actions: [], nextCheckpoint: null, packVersion: '' },
      workflow: {},
      // The ticket's share of the KPI roll-ups: none yet (the workflow's first write sets it).
      kpi: { seq: 0 },
      ...(stored.requesterMailCheck ? { requesterMailCheck: stored.requesterMailCheck } : {}),
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

  const messageItem = async (message: Message): Promise<Record<string, unknown>> => {
    const { body, ...rest } = message;
    let bodyAttributes: { body: string } | { bodyRef: string } = { body };
    if (body.length > INLINE_BODY_LIMIT) {
      const bodyRef = blobKeys.messageBody(message.desk, message.ticketId, message.id);
      await blobs.put(bodyRef, body, 'text/plain; charset=utf-8');
      bodyAttributes = { bodyRef };
    }
    return {
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
    };
  };

  /**
   * Copies the buffered activity entries (committed: still on the ticket item as read at `readVersion`) and
   * the full records of settled mail and applied actions to one chunk item numbered from the buffer's
   * first entry. Idempotent: the same entries under the same number, and moved records are appended (a
   * record is a fact whether or not the commit that stubs it wins; readers take it by id), so a change
   * that loses its commit afterwards leaves nothing wrong behind. A chunk written from a newer read (an
   * erasure rewrites them) is never overwritten from an older one.
   */
  async function copyOut(t: Ticket, readVersion: number, plan: CopyOut) {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.activity(t.desk, t.id, plan.start),
          UpdateExpression:
            'SET kind = :kind, seq = :seq, entries = :entries, movedAtVersion = :read, outbox = list_append(if_not_exists(outbox, :none), :outbox), slaActions = list_append(if_not_exists(slaActions, :none), :actions)',
          ConditionExpression: 'attribute_not_exists(pk) OR movedAtVersion <= :read',
          ExpressionAttributeValues: {
            ':kind': ACTIVITY_ITEM_KIND,
            ':seq': plan.start,
            ':entries': plan.entries,
            ':read': readVersion,
            ':none': [],
            ':outbox': plan.outbox,
            ':actions': plan.slaActions,
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Drops the mail sweep's listing: only while nothing else uses the marker and the outbox is as read. */
  const settledMarker = (desk: string, outboxLength: number) => ({
    remove: 'gsi4pk, gsi4sk',
    condition: '(attribute_not_exists(gsi4pk) OR gsi4pk = :mailPending) AND size(outbox) = :outboxLength',
    values: { ':mailPending': keys.mailPending(desk), ':outboxLength': outboxLength },
  });

  async function updateOutcomes(desk: string, ticketId: string, mail: MailRecord, dropListing: boolean) {
    const o = outcomeExpression(mail.outcomes);
    const marker = dropListing ? settledMarker(desk, mail.outboxLength) : undefined;
    const removes = [...o.removes, ...(marker ? [marker.remove] : [])];
    const expression = [
      o.sets.length ? `SET ${o.sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    if (!expression) return;
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.ticket(desk, ticketId),
        UpdateExpression: expression,
        ConditionExpression: [...o.conditions, ...(marker ? [marker.condition] : [])].join(' AND '),
        ...(Object.keys(o.names).length ? { ExpressionAttributeNames: o.names } : {}),
        ExpressionAttributeValues: { ...o.values, ...(marker?.values ?? {}) },
      }),
    );
  }

  /** Tickets listed under a byWorkflowPending partition since before `before`, oldest first. */
  async function listMarked(partition: string, desk: string, before: string, limit: number) {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX.byWorkflowPending,
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk < :before',
        ExpressionAttributeValues: { ':pk': partition, ':before': before },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((item) => ({
      desk,
      ticketId: item.id as string,
      since: String(item.gsi4sk).split('#')[0] ?? '',
    }));
  }

  /** Stores a retried park's task token on the ticket its own earlier run wrote, if nothing changed since. */
  async function parkAfterOwnWrite(
    desk: string,
    ticketId: string,
    park: { taskToken: string; until: string },
    progress: ParkProgress,
  ) {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.ticket(desk, ticketId),
          UpdateExpression:
            'SET workflow.taskToken = :token, workflow.parkedVersion = :version, workflow.sleepingUntil = :until',
          ConditionExpression: '#version = :version AND workflow.kpiChangeToken = :kpiToken',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':token': park.taskToken,
            ':version': progress.version,
            ':until': park.until,
            ':kpiToken': progress.kpi?.change.token,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async function recordMailOutcome(desk: string, ticketId: string, mail: MailRecord) {
    if (mail.settled) {
      try {
        await updateOutcomes(desk, ticketId, mail, true);
        return;
      } catch (error) {
        // Something else happened to the ticket since (a change, new mail): it stays listed.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    await updateOutcomes(desk, ticketId, mail, false);
  }

  return {
    ...dynamoTicketReader(doc, tableName, blobs),

    async putNewTicket(stored, options = {}) {
      const { firstMessage, idIsFresh } = options;
      if (firstMessage && idIsFresh) {
        // Nothing can exist under a fresh id: one request for both, no condition needed.
        let items: Array<{ PutRequest: { Item: Record<string, unknown> } }> = [
          { PutRequest: { Item: await messageItem(firstMessage) } },
          { PutRequest: { Item: newTicketItem(stored) } },
        ];
        for (let attempt = 1; items.length; attempt++) {
          const { UnprocessedItems } = await doc.send(
            new BatchWriteCommand({ RequestItems: { [tableName]: items } }),
          );
          items = (UnprocessedItems?.[tableName] ?? []) as typeof items;
          if (items.length && attempt >= 5) throw new Error('ticket create: items left unprocessed');
          if (items.length) await new Promise((ok) => setTimeout(ok, 50 * 2 ** attempt));
        }
        return true;
      }
      if (firstMessage)
        await doc.send(new PutCommand({ TableName: tableName, Item: await messageItem(firstMessage) }));
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
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async putMessage(message) {
      await doc.send(new PutCommand({ TableName: tableName, Item: await messageItem(message) }));
    },

    async commitChange(stored, expectedVersion, newOutbound = [], options = {}) {
      const t = stored.ticket;
      // The entries buffered on the item (committed) and its settled mail and applied actions move to a
      // chunk item once keeping them would cost the item another KB (ticket-item-layout.ts).
      const plan = planCopyOut(stored.activity, stored.activityStored);
      if (plan) await copyOut(t, expectedVersion, plan);
      const activityStart = plan?.activityStart ?? stored.activityStored?.start ?? 0;
      const outbox = compactingOutbox(stored, plan, newOutbound);
      // The notices a quiet change queues for the sweep ride on the quiet commit only.
      const swept = options.noticesForSweep;
      const quietOutbox = swept
        ? compactingOutbox(stored, plan, [...newOutbound, ...swept.outbound])
        : outbox;
      // The ticket's KPI share rides on the commit, on condition the share is still as read: a workflow
      // step may have written one at the same version, and two writers of one `seq` would add twice.
      const kpi = kpiCommit(options.kpi);
      const removes = [
        ...kpi.removes,
        ...(mailCheckSpent(stored.activityStored, t.updatedAt) ? ['requesterMailCheck'] : []),
      ];
      const guards = copyOutGuards(stored, plan);
      const commit = async (quietOn: string | undefined) => {
        const sweep = quietOn ? swept : undefined;
        const update = setExpression({
          ...ticketFields(t),
          activity: stored.activity.slice(activityStart),
          activityStart,
          ...(plan?.slaActionStubs
            ? { 'sla.actions': [...plan.slaActionStubs, ...(sweep?.actions ?? [])] }
            : {}),
          gsi1pk: keys.deskStatus(t.desk, t.status),
          // A change the sleeping workflow need not see yet leaves the marker as it is (none).
          ...(quietOn ? {} : workflowDueMarker(t)),
          ...(sweep ? { gsi4pk: keys.mailPending(t.desk), gsi4sk: `${sweep.listedSince}#${t.id}` } : {}),
        });
        const appendActions =
          sweep && !plan?.slaActionStubs ? ', sla.actions = list_append(sla.actions, :sweptActions)' : '';
        const mail = sweep ? quietOutbox : outbox;
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(t.desk, t.id),
            // One REMOVE clause: DynamoDB refuses an update expression with two.
            UpdateExpression:
              update.expression +
              appendActions +
              mail.expression +
              kpi.expression +
              (removes.length ? ` REMOVE ${removes.join(', ')}` : ''),
            // Quiet only while the workflow sleeps on the plan the caller judged the change against.
            ConditionExpression: [
              '#version = :expectedVersion',
              ...(quietOn ? ['workflow.taskToken = :parkedOn'] : []),
              ...kpi.conditions,
              ...guards.conditions,
            ].join(' AND '),
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: {
              ...update.values,
              ...mail.values,
              ...(appendActions ? { ':sweptActions': sweep!.actions } : {}),
              ...kpi.values,
              ...guards.values,
              ':expectedVersion': expectedVersion,
              ...(quietOn ? { ':parkedOn': quietOn } : {}),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const workflow = Attributes?.workflow as WorkflowState | undefined;
        return { taskToken: workflow?.taskToken, workflowMustSee: !quietOn };
      };
      try {
        if (options.quietWhileParkedOn) {
          try {
            return await commit(options.quietWhileParkedOn);
          } catch (error) {
            // The workflow woke or re-planned since the read (or the version moved): commit as a change it must see.
            if (!isConditionalCheckFailed(error)) throw error;
          }
        }
        return await commit(undefined);
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new VersionConflict(t.id);
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
        // Mail left pending: listed for the sweep in this same write (no separate note to write or delete).
        ...(progress.mailPendingSince
          ? { gsi4pk: keys.mailPending(t.desk), gsi4sk: `${progress.mailPendingSince}#${t.id}` }
          : {}),
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
      // The ticket's KPI share and its change ride on this write, on condition the share is as read.
      const kpi = progress.kpi;
      const kpiSets = kpi ? ', kpi = :kpiShare, kpiChange = :kpiChange' : '';
      const kpiConditions: string[] = [];
      if (kpi) {
        values[':kpiShare'] = kpi.share;
        values[':kpiChange'] = kpi.change;
        if (kpi.expectedSeq === undefined) kpiConditions.push('attribute_not_exists(kpi)');
        else {
          values[':kpiSeq'] = kpi.expectedSeq;
          kpiConditions.push('kpi.seq = :kpiSeq');
        }
      }
      // Entries taken for a send in this write: only if still pending and no other sender holds them.
      const claims: string[] = [];
      const claimConditions: string[] = [];
      if (progress.claim?.entries.length) {
        update.names['#mailStatus'] = 'status';
        values[':pending'] = 'pending';
        values[':leaseNow'] = progress.claim.leaseNow;
        values[':leaseUntil'] = progress.claim.until;
        progress.claim.entries.forEach(({ index, id }, i) => {
          const entry = `outbox[${index}]`;
          values[`:claimId${i}`] = id;
          claims.push(`${entry}.claimedUntil = :leaseUntil`);
          claimConditions.push(
            `${entry}.id = :claimId${i} AND ${entry}.#mailStatus = :pending AND (attribute_not_exists(${entry}.claimedUntil) OR ${entry}.claimedUntil < :leaseNow)`,
          );
        });
      }
      // An entry's claim and an append cannot both address `outbox` in one expression: with claims, new
      // entries go to the indexes after the last (that is an append, given the outbox is as read).
      let appendOutbound = ', outbox = list_append(if_not_exists(outbox, :empty), :newOutbound)';
      if (claims.length) {
        const length = progress.claim!.outboxLength;
        values[':outboxLength'] = length;
        claimConditions.push('size(outbox) = :outboxLength');
        appendOutbound = (progress.newOutbound ?? [])
          .map((entry, i) => {
            values[`:appended${i}`] = entry;
            return `, outbox[${length + i}] = :appended${i}`;
          })
          .join('');
        delete values[':newOutbound'];
      }
      const removes = [
        ...(progress.mailPendingSince ? [] : ['gsi4pk', 'gsi4sk']),
        'workflow.taskToken',
        'workflow.parkedVersion',
      ];
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(t.desk, t.id),
            UpdateExpression: `${update.expression}, activity = list_append(activity, :newActivity), sla.actions = list_append(if_not_exists(sla.actions, :empty), :newActions), sla.nextCheckpoint = :next, sla.packVersion = :packVersion${kpiSets}${claims.map((c) => `, ${c}`).join('')}${appendOutbound} REMOVE ${removes.join(', ')}`,
            ConditionExpression: ['#version = :expectedVersion', ...kpiConditions, ...claimConditions].join(
              ' AND ',
            ),
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new VersionConflict(t.id);
        throw error;
      }
    },

    async parkWorkflow(desk, ticketId, park) {
      // The outcome of the sends the last Apply step made is recorded in the same write as the park,
      // and so is that step's progress when it left its write to the park (one ticket write per wake).
      const o = outcomeExpression(park.mail?.outcomes ?? []);
      const progress = park.progress ? progressExpression(desk, ticketId, park.progress) : undefined;
      const drop = !progress && park.mail?.settled ? settledMarker(desk, park.mail.outboxLength) : undefined;
      // Without progress, the Apply step that planned this park added its KPI change to the days already.
      const removes = [
        ...o.removes,
        ...(drop ? [drop.remove] : []),
        ...(progress ? progress.removes : ['kpiChange']),
      ];
      const sets = [
        'workflow.taskToken = :token, workflow.parkedVersion = :parked, workflow.sleepingUntil = :until',
        ...(progress?.sets ?? []),
        ...o.sets,
      ];
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(desk, ticketId),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            // Mail pending is no reason to stay awake; a change the workflow has not seen is (with
            // progress, the step read the marker as it was, and every change since moved the version).
            ConditionExpression: [
              progress
                ? '#version = :seen'
                : '#version = :seen AND (attribute_not_exists(gsi4pk) OR gsi4pk = :mailPending)',
              ...(progress?.conditions ?? []),
              ...o.conditions,
              ...(drop ? [drop.condition] : []),
            ].join(' AND '),
            ExpressionAttributeNames: { '#version': 'version', ...o.names, ...(progress?.names ?? {}) },
            ExpressionAttributeValues: {
              ':token': park.taskToken,
              ':seen': park.seenVersion,
              ':parked': park.progress?.version ?? park.seenVersion,
              ':until': park.until,
              ...(progress ? {} : { ':mailPending': keys.mailPending(desk) }),
              ...o.values,
              ...(drop?.values ?? {}),
              ...(progress?.values ?? {}),
            },
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      // A retried park whose first run wrote and died before adding the KPI change: nothing changed
      // since that write (same version, its change's token), so it parks and the caller adds the change.
      if (park.progress?.kpi && (await parkAfterOwnWrite(desk, ticketId, park, park.progress))) return true;
      // Not parked (the ticket changed): the outcomes are recorded all the same, the workflow wakes.
      if (park.mail?.outcomes.length) await recordMailOutcome(desk, ticketId, park.mail);
      return false;
    },

    recordMailOutcome,

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

    listWorkflowDue: (desk, before, limit) => listMarked(keys.workflowDue(desk), desk, before, limit),

    // Claimed in the idempotency store; the ticket store still offers it to the ticket service.
    claimIdempotencyKey: dynamoIdempotencyStore(doc, tableName).claimIdempotencyKey,
  };
}

/**
 * A commit's outbox clauses: new mail appended (never rewritten: the mail sender updates entries in place
 * without a version bump), and settled entries the copy-out moved replaced by stubs. A stub and an append
 * cannot both address `outbox` in one expression: with stubs, new entries go to the indexes after the last
 * (an append, since the outbox only grows with a version bump and the commit is on the version read).
 */
/**
 * A copy-out rewrites the outbox by position and `sla.actions` whole, as read. The workflow appends to
 * both without moving the version (a claim write, recorded actions), so the commit also holds on their
 * lengths as read; refused, the caller re-reads and tries again (a VersionConflict).
 */
function copyOutGuards(stored: StoredTicket, plan: CopyOut | undefined) {
  const conditions: string[] = [];
  const values: Record<string, unknown> = {};
  if (plan?.outboxStubs.length) {
    conditions.push('size(outbox) = :outboxAsRead');
    values[':outboxAsRead'] = stored.activityStored?.outboxLength ?? stored.outbox?.length ?? 0;
  }
  if (plan?.slaActionStubs) {
    conditions.push('size(sla.actions) = :slaActionsAsRead');
    values[':slaActionsAsRead'] = plan.slaActionStubs.length;
  }
  return { conditions, values };
}

function compactingOutbox(
  stored: StoredTicket,
  plan: CopyOut | undefined,
  newOutbound: readonly OutboundMail[],
) {
  const stubs = plan?.outboxStubs ?? [];
  if (!stubs.length) {
    return newOutbound.length
      ? {
          expression: ', outbox = list_append(if_not_exists(outbox, :noMail), :newOutbound)',
          values: { ':noMail': [], ':newOutbound': newOutbound } as Record<string, unknown>,
        }
      : { expression: '', values: {} as Record<string, unknown> };
  }
  const values: Record<string, unknown> = {};
  const sets = stubs.map(({ index, stub }, i) => {
    values[`:stub${i}`] = stub;
    return `outbox[${index}] = :stub${i}`;
  });
  const length = stored.activityStored?.outboxLength ?? stored.outbox?.length ?? 0;
  newOutbound.forEach((entry, i) => {
    values[`:newMail${i}`] = entry;
    sets.push(`outbox[${length + i}] = :newMail${i}`);
  });
  return { expression: sets.map((x) => `, ${x}`).join(''), values };
}

/** The public ticket fields of an item (what commitChange rewrites). */
function ticketFields(t: Ticket): Record<string, unknown> {
  const { id: _id, desk: _desk, createdAt: _createdAt, ...changeable } = t;
  return changeable;
}

/** The SET (or REMOVE) clause and conditions that carry a change's KPI share in its commit. */
function kpiCommit(kpi: TicketShareCommit | undefined) {
  if (!kpi) return { expression: '', removes: [], conditions: [], values: {} };
  const values: Record<string, unknown> = {};
  const conditions = kpi.expectedSeq === undefined ? ['attribute_not_exists(kpi)'] : ['kpi.seq = :kpiSeq'];
  if (kpi.expectedSeq !== undefined) values[':kpiSeq'] = kpi.expectedSeq;
  if ('dropChange' in kpi) return { expression: '', removes: ['kpiChange'], conditions, values };
  values[':kpiShare'] = kpi.share;
  values[':kpiChange'] = kpi.change;
  return { expression: ', kpi = :kpiShare, kpiChange = :kpiChange', removes: [], conditions, values };
}

/** Marks the ticket as changed since its workflow last looked (byWorkflowPending index). */
function workflowDueMarker(t: Ticket) {
  return { gsi4pk: keys.workflowDue(t.desk), gsi4sk: `${t.updatedAt}#${t.id}` };
}

/**
 * SET/REMOVE clauses for the Apply step's progress written by the park (what recordSlaProgress writes,
 * from the step's result instead of the whole ticket): applied actions, an escalation, the next
 * checkpoint, the execution, the due marker cleared or the mail listing set, the KPI share and change.
 */
function progressExpression(desk: string, ticketId: string, p: ParkProgress) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':version': p.version,
    ':newActions': p.newActions,
    ':empty': [],
    ':next': p.nextCheckpoint,
    ':packVersion': p.packVersion,
    ':queueKey': `${p.nextCheckpoint ?? p.wakeAt}#${ticketId}`,
    ':executionName': p.executionName,
    ':executionStartedAt': p.executionStartedAt,
  };
  const sets = [
    '#version = :version',
    'sla.actions = list_append(if_not_exists(sla.actions, :empty), :newActions)',
    'sla.nextCheckpoint = :next',
    'sla.packVersion = :packVersion',
    // Queue order and the reconciler's overdue sweep: the next instant the workflow must act.
    'gsi1sk = :queueKey',
    'workflow.executionName = :executionName',
    'workflow.executionStartedAt = :executionStartedAt',
  ];
  const removes: string[] = [];
  const conditions: string[] = [];
  if (p.newActivity.length) {
    values[':newActivity'] = p.newActivity;
    sets.push('activity = list_append(activity, :newActivity)');
  }
  if (p.escalated) {
    names['#tier'] = 'tier';
    names['#updatedAt'] = 'updatedAt';
    values[':tier'] = p.escalated.tier;
    values[':updatedAt'] = p.escalated.at;
    sets.push('#tier = :tier', '#updatedAt = :updatedAt');
  }
  if (p.mailPendingSince) {
    values[':listing'] = keys.mailPending(desk);
    values[':listedSince'] = `${p.mailPendingSince}#${ticketId}`;
    sets.push('gsi4pk = :listing', 'gsi4sk = :listedSince');
  } else removes.push('gsi4pk', 'gsi4sk');
  // The share, on condition it is as read; the park adds the change to the days right after. The change
  // itself stays in the execution's state, not on the ticket (a crash before the days is retried by the
  // sleeping step, whose park finds its write by the change's token): no leftover for the next step.
  removes.push('kpiChange');
  if (p.kpi) {
    values[':kpiShare'] = p.kpi.share;
    values[':kpiToken'] = p.kpi.change.token;
    sets.push('kpi = :kpiShare', 'workflow.kpiChangeToken = :kpiToken');
    if (p.kpi.expectedSeq === undefined) conditions.push('attribute_not_exists(kpi)');
    else {
      values[':kpiSeq'] = p.kpi.expectedSeq;
      conditions.push('kpi.seq = :kpiSeq');
    }
  }
  return { names, values, sets, removes, conditions };
}

/** SET/REMOVE clauses for send outcomes on `outbox[i]`, each on condition the entry is still the one decided on. */
function outcomeExpression(outcomes: readonly OutboundOutcome[]) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  const conditions: string[] = [];
  outcomes.forEach(({ index, id, set, remove }, i) => {
    const entry = `outbox[${index}]`;
    values[`:outcomeId${i}`] = id;
    conditions.push(`${entry}.id = :outcomeId${i}`);
    Object.entries(set).forEach(([name, v], j) => {
      names[`#o${i}_${j}`] = name;
      values[`:o${i}_${j}`] = v;
      sets.push(`${entry}.#o${i}_${j} = :o${i}_${j}`);
    });
    remove.forEach((name, j) => {
      names[`#r${i}_${j}`] = name;
      removes.push(`${entry}.#r${i}_${j}`);
    });
  });
  return { names, values, sets, removes, conditions };
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
