/**
 * The ops queue's reads: a desk's unresolved tickets across every open status, soonest workflow
 * checkpoint first, page by page with no cap. Each open status is its own partition of the
 * byDeskStatusDue index, already sorted by checkpoint; a page merges the four sorted runs, so no
 * status can crowd out another (2,000 `new` tickets no longer hide an `open` one about to breach).
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../errors/domain-error.ts';
import type { Status, Ticket } from '../tickets/model.ts';
import { INDEX, keys, NO_DEADLINE } from './table-keys.ts';
import { type TicketRecord, UNRESOLVED_STATUSES } from './ticket-reads.ts';

/** Where a listing stopped: per status, the last index sort key returned. */
export type QueuePosition = Partial<Record<Status, string>>;

export interface QueuePage {
  records: TicketRecord[];
  /** null when every status ran out. */
  next: QueuePosition | null;
}

export interface QueueReads {
  /** Up to `limit` unresolved tickets in `statuses`, soonest checkpoint first, after `from`. */
  pageUnresolved(
    desk: string,
    statuses: readonly Status[],
    limit: number,
    from: QueuePosition | undefined,
  ): Promise<QueuePage>;
  /** Creation instant and status of every unresolved ticket (the KPI backlog), read to the end. */
  backlog(desk: string): Promise<Array<{ createdAt: string; status: Status }>>;
}

const FIELDS = ['gsi1sk', 'id', 'desk', 'subject', 'status', 'priority', 'plan', 'channel', 'tier'];
const MORE_FIELDS = ['assignee', 'createdAt', 'updatedAt', 'activity', 'sla'];
const projection = (fields: readonly string[]) => ({
  ProjectionExpression: fields.map((_, i) => `#p${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#p${i}`, f])),
});

const toRecord = (item: Record<string, unknown>): TicketRecord => {
  const sla = item.sla as { nextCheckpoint?: string | null } | undefined;
  return {
    ticket: {
      id: item.id as string,
      desk: item.desk as string,
      subject: item.subject as string,
      status: item.status as Status,
      priority: item.priority as Ticket['priority'],
      plan: item.plan as string,
      channel: item.channel as Ticket['channel'],
      tier: item.tier as number,
      assignee: (item.assignee as string | null | undefined) ?? null,
      createdAt: item.createdAt as string,
      updatedAt: item.updatedAt as string,
    },
    activity: (item.activity ?? []) as TicketRecord['activity'],
    nextCheckpoint: sla?.nextCheckpoint && sla.nextCheckpoint !== NO_DEADLINE ? sla.nextCheckpoint : null,
  };
};

export function encodeQueuePosition(position: QueuePosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** A cursor only ever bounds sort keys inside the caller's own desk partitions; anything else is refused. */
export function decodeQueuePosition(cursor: string): QueuePosition {
  const invalid = () =>
    DomainError.validation([{ pointer: '?cursor', detail: 'not a cursor from this listing' }]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  const entries = Object.entries(decoded);
  const ok = entries.every(
    ([k, v]) =>
      (UNRESOLVED_STATUSES as readonly string[]).includes(k) && typeof v === 'string' && v.length < 200,
  );
  if (!ok) throw invalid();
  return decoded as QueuePosition;
}

export function dynamoQueueReads(doc: DynamoDBDocumentClient, tableName: string): QueueReads {
  const queryStatus = (
    desk: string,
    status: Status,
    after: string | undefined,
    limit: number,
    fields: readonly string[],
    start?: Record<string, unknown>,
  ) =>
    doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX.byDeskStatusDue,
        KeyConditionExpression: after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': keys.deskStatus(desk, status),
          ...(after ? { ':after': after } : {}),
        },
        ...projection(fields),
        ScanIndexForward: true,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );

  return {
    async pageUnresolved(desk, statuses, limit, from) {
      const runs = await Promise.all(
        statuses.map(async (status) => {
          const page = await queryStatus(desk, status, from?.[status], limit, [...FIELDS, ...MORE_FIELDS]);
          return { status, items: page.Items ?? [], more: page.LastEvaluatedKey !== undefined };
        }),
      );
      const merged = runs
        .flatMap((r) => r.items.map((item) => ({ status: r.status, item })))
        .sort((a, b) => (String(a.item.gsi1sk) < String(b.item.gsi1sk) ? -1 : 1))
        .slice(0, limit);
      const next: QueuePosition = { ...from };
      for (const { status, item } of merged) next[status] = String(item.gsi1sk);
      const taken = (status: Status) => merged.filter((m) => m.status === status).length;
      const more = runs.some((r) => taken(r.status) < r.items.length || r.more);
      return { records: merged.map((m) => toRecord(m.item)), next: more ? next : null };
    },

    async backlog(desk) {
      const out: Array<{ createdAt: string; status: Status }> = [];
      for (const status of UNRESOLVED_STATUSES) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await queryStatus(desk, status, undefined, 1000, ['createdAt', 'status'], start);
          for (const item of page.Items ?? []) out.push({ createdAt: item.createdAt as string, status });
          start = page.LastEvaluatedKey;
        } while (start);
      }
      return out;
    },
  };
}
