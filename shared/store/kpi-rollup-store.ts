/**
 * KPI roll-ups in the table, exact under retries without transactions (dynalite has none):
 *
 * 1. the source's item gets a `pending` change (the new contribution and the per-day delta),
 *    conditional on the sequence number read, so one writer wins and the loser re-reads;
 * 2. each day item ADDs the delta and records the change's token in an `inflight` set, conditional
 *    on the token being absent, so a retried ADD is refused;
 * 3. the source's item makes the change its applied contribution and drops `pending`;
 * 4. the day items drop the token (a crash before this leaves a harmless token behind).
 *
 * A writer that finds a `pending` change finishes it first, so a crash anywhere is repaired by the
 * next write of the same source (the workflow's retry, the next ticket change, or the backfill).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContributionStamp, KpiRollupStore } from '../kpis/ports.ts';
import { type Contribution, type Counters, contributionDelta } from '../kpis/rollups.ts';

const rollupKeys = {
  /** One partition per desk: a report is one Query over a range of days. */
  days: (desk: string) => `DESK#${desk}#KPI_DAYS`,
  day: (desk: string, day: string) => ({ pk: `DESK#${desk}#KPI_DAYS`, sk: `DAY#${day}` }),
  source: (desk: string, source: string) => ({ pk: `DESK#${desk}#KPI_SOURCE#${source}`, sk: 'KPI_SOURCE' }),
};

/** Counter attributes carry a prefix so no counter name can meet a key or bookkeeping attribute. */
const COUNTER_PREFIX = 'n_';

interface PendingChange {
  token: string;
  seq: number;
  stamp: ContributionStamp;
  applied: Contribution;
  parts: Contribution[];
}

interface SourceItem {
  seq: number;
  stamp?: ContributionStamp;
  applied?: Contribution;
  pending?: PendingChange;
}

const MAX_ATTEMPTS = 8;

const newer = (a: ContributionStamp, b: ContributionStamp | undefined) =>
  !b || a.version > b.version || (a.version === b.version && a.asOf > b.asOf);

export function dynamoKpiRollupStore(doc: DynamoDBDocumentClient, tableName: string): KpiRollupStore {
  const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

  async function readSource(desk: string, source: string): Promise<SourceItem> {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: rollupKeys.source(desk, source), ConsistentRead: true }),
    );
    return (Item as SourceItem | undefined) ?? { seq: 0 };
  }

  async function addToDay(desk: string, part: Contribution, token: string) {
    const names: Record<string, string> = { '#inflight': 'inflight' };
    const values: Record<string, unknown> = { ':token': new Set([token]), ':tokenValue': token };
    const adds = Object.entries(part.counters).map(([k, v], i) => {
      names[`#c${i}`] = `${COUNTER_PREFIX}${k}`;
      values[`:c${i}`] = v;
      return `#c${i} :c${i}`;
    });
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: rollupKeys.day(desk, part.day),
          UpdateExpression: `SET #day = :day ADD ${[...adds, '#inflight :token'].join(', ')}`,
          ConditionExpression: 'NOT contains(#inflight, :tokenValue)',
          ExpressionAttributeNames: { ...names, '#day': 'day' },
          ExpressionAttributeValues: { ...values, ':day': part.day },
        }),
      );
    } catch (error) {
      // Already added by an earlier attempt of the same change.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async function finish(desk: string, source: string, change: PendingChange) {
    for (const part of change.parts) await addToDay(desk, part, change.token);
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: rollupKeys.source(desk, source),
          UpdateExpression: 'SET seq = :seq, stamp = :stamp, applied = :applied REMOVE pending',
          ConditionExpression: 'pending.#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: {
            ':seq': change.seq,
            ':stamp': change.stamp,
            ':applied': change.applied,
            ':token': change.token,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    for (const part of change.parts) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: rollupKeys.day(desk, part.day),
          UpdateExpression: 'DELETE #inflight :token',
          ExpressionAttributeNames: { '#inflight': 'inflight' },
          ExpressionAttributeValues: { ':token': new Set([change.token]) },
        }),
      );
    }
  }

  return {
    async applyContribution(desk, source, stamp, contribution) {
      for (let attempt = 1; ; attempt++) {
        const current = await readSource(desk, source);
        if (current.pending) {
          await finish(desk, source, current.pending);
          continue;
        }
        if (!newer(stamp, current.stamp)) return 'stale';
        const parts = contributionDelta(current.applied, contribution);
        if (parts.length === 0) return 'unchanged';
        const seq = current.seq + 1;
        const change: PendingChange = { token: `${source}#${seq}`, seq, stamp, applied: contribution, parts };
        try {
          await doc.send(
            new UpdateCommand({
              TableName: tableName,
              Key: rollupKeys.source(desk, source),
              UpdateExpression: 'SET pending = :pending, desk = :desk',
              ConditionExpression:
                'attribute_not_exists(pending) AND (attribute_not_exists(seq) OR seq = :seen)',
              ExpressionAttributeValues: { ':pending': change, ':seen': current.seq, ':desk': desk },
            }),
          );
        } catch (error) {
          if (isConditionFailure(error) && attempt < MAX_ATTEMPTS) continue;
          throw error;
        }
        await finish(desk, source, change);
        return 'applied';
      }
    },

    async readDays(desk, fromDay, toDay) {
      const days = new Map<string, Counters>();
      let itemsRead = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': rollupKeys.days(desk),
              ':from': `DAY#${fromDay}`,
              ':to': `DAY#${toDay}`,
            },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          itemsRead += 1;
          const counters: Counters = {};
          for (const [k, v] of Object.entries(item)) {
            if (k.startsWith(COUNTER_PREFIX) && typeof v === 'number')
              counters[k.slice(COUNTER_PREFIX.length)] = v;
          }
          days.set(item.day as string, counters);
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return { days, itemsRead };
    },
  };
}
