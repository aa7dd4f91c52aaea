/**
 * KPI roll-ups in the table, exact under retries without transactions (dynalite has none; on AWS they
 * would double the write units).
 *
 * Tickets keep their share on their own item (`kpi`), written by the ticket's conditional write together
 * with the change (`kpiChange`: the per-day parts and a token). Then one conditional write per day adds
 * the part and records the token, refused if the day already has it. The token stays in one of twelve
 * five-minute slots of the day item until a write half an hour later clears that slot: at least
 * TOKEN_MEMORY_MS. A retry within that while (Step Functions retries a failed step within minutes; a
 * refused park wakes the next step at once) finds the change still on the ticket and adds it again,
 * refused if done; the park's write drops the change from the ticket. A change found older than that
 * was added by the run that wrote it (that run got past the write of the ticket and died later, or it
 * was the last run before the ticket closed). One request per changed day, and the day item stays small
 * (it holds the tokens of the last hour or so, never one per ticket).
 *
 * Survey answers, and tickets rolled up before shares moved onto the ticket, have a source item:
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
import { createHash } from 'node:crypto';
import type { ContributionStamp, KpiChange, KpiRollupStore } from '../kpis/ports.ts';
import { type Contribution, type Counters, contributionDelta } from '../kpis/rollups.ts';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  isConditionalCheckFailed,
  UpdateCommand,
} from '../runtime/aws/dynamodb.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { conditionHeld } from './conditional-put.ts';
import { queryAll } from './query-all.ts';
import { keys } from './table-keys.ts';

const TOKEN_SLOT_MS = 5 * 60_000;
const TOKEN_SLOTS = 12;
/** How long a day remembers a change's token at least (a slot is cleared six slots after its own). */
export const TOKEN_MEMORY_MS = (TOKEN_SLOTS / 2 - 1) * TOKEN_SLOT_MS;
/** A change left on a ticket is added again only while younger than this (a margin under the memory). */
export const LEFTOVER_RETRY_MS = TOKEN_MEMORY_MS - 5 * 60_000;
const slotOf = (ms: number) => Math.floor(ms / TOKEN_SLOT_MS) % TOKEN_SLOTS;

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

/**
 * `tokenClock` measures how long tokens are remembered: real time, never a virtual business clock (a
 * jump of a virtual clock must not make a retry look old).
 */
export function dynamoKpiRollupStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
  tokenClock: Clock = systemClock,
): KpiRollupStore {
  const isConditionFailure = (error: unknown) => isConditionalCheckFailed(error);

  /** One conditional write: the part's counters and the token (in its slot), the slot due for clearing cleared. */
  async function addOnce(desk: string, part: Contribution, change: KpiChange) {
    const slot = slotOf(Date.parse(change.at));
    const clear = (slotOf(tokenClock.now().getTime()) + TOKEN_SLOTS / 2) % TOKEN_SLOTS;
    const names: Record<string, string> = { '#day': 'day', '#tokens': `tokens${slot}` };
    const values: Record<string, unknown> = {
      ':day': part.day,
      ':token': new Set([change.token]),
      ':tokenValue': change.token,
    };
    const adds = Object.entries(part.counters).map(([k, v], i) => {
      names[`#c${i}`] = `${COUNTER_PREFIX}${k}`;
      values[`:c${i}`] = v;
      return `#c${i} :c${i}`;
    });
    if (clear !== slot) names['#clear'] = `tokens${clear}`;
    await conditionHeld(
      doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: rollupKeys.day(desk, part.day),
          UpdateExpression: `SET #day = :day ADD ${[...adds, '#tokens :token'].join(', ')}${clear !== slot ? ' REMOVE #clear' : ''}`,
          ConditionExpression: 'NOT contains(#tokens, :tokenValue)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /**
   * Whether the day already holds the change's token: a read (half a read unit) spares the refused write
   * (a whole write unit) when the change found on a ticket was added by the run that wrote it, which is
   * nearly always. Eventually consistent is enough: a stale "no" only costs that refused write.
   */
  async function dayHolds(desk: string, day: string, change: KpiChange) {
    const attribute = `tokens${slotOf(Date.parse(change.at))}`;
    const { Item } = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: rollupKeys.day(desk, day),
        ProjectionExpression: '#tokens',
        ExpressionAttributeNames: { '#tokens': attribute },
      }),
    );
    const tokens = Item?.[attribute] as Set<string> | undefined;
    return tokens?.has(change.token) === true;
  }

  async function addChange(desk: string, change: KpiChange) {
    for (const part of change.parts) await addOnce(desk, part, change);
  }

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
    newChange(ticketId, seq, parts) {
      // Short, since a day holds an hour's worth: 72 bits of a hash of the ticket and the share's seq.
      const token = createHash('sha256').update(`${ticketId}#${seq}`).digest('base64url').slice(0, 12);
      return { token, at: tokenClock.now().toISOString(), parts };
    },

    addChange,

    async finishLeftover(desk, change) {
      if (tokenClock.now().getTime() - Date.parse(change.at) >= LEFTOVER_RETRY_MS) return 'expired';
      for (const part of change.parts) {
        if (!(await dayHolds(desk, part.day, change))) await addOnce(desk, part, change);
      }
      return 'added-once';
    },

    async legacyShare(desk, ticketId) {
      const source = `ticket#${ticketId}`;
      for (;;) {
        const current = await readSource(desk, source);
        if (!current.pending) return { seq: 0, applied: current.applied };
        await finish(desk, source, current.pending);
      }
    },

    async commitTicketShare(desk, ticketId, expected, share, change) {
      return conditionHeld(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(desk, ticketId),
            UpdateExpression: 'SET kpi = :share, kpiChange = :change',
            ConditionExpression: `#version = :version AND ${expected.seq === undefined ? 'attribute_not_exists(kpi)' : 'kpi.seq = :seq'}`,
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: {
              ':share': share,
              ':change': change,
              ':version': expected.version,
              ...(expected.seq === undefined ? {} : { ':seq': expected.seq }),
            },
          }),
        ),
      );
    },

    async clearTicketChange(desk, ticketId, token) {
      await conditionHeld(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ticket(desk, ticketId),
            UpdateExpression: 'REMOVE kpiChange',
            ConditionExpression: 'kpiChange.#token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':token': token },
          }),
        ),
      );
    },

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
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': rollupKeys.days(desk),
          ':from': `DAY#${fromDay}`,
          ':to': `DAY#${toDay}`,
        },
      });
      const days = new Map<string, Counters>();
      for (const item of items) {
        const counters: Counters = {};
        for (const [k, v] of Object.entries(item)) {
          if (k.startsWith(COUNTER_PREFIX) && typeof v === 'number')
            counters[k.slice(COUNTER_PREFIX.length)] = v;
        }
        days.set(item.day as string, counters);
      }
      return { days, itemsRead: items.length };
    },
  };
}
