/**
 * Reads, changes and saves compliance records with optimistic concurrency, keeps each record's
 * one-time deadline schedule in step with its next deadline, and retries a change that lost a race.
 * Shared by the DSAR, appeal, hold and deadline use cases.
 */

import { DomainError } from '../errors/domain-error.ts';
import { logger } from '../observability/logger.ts';
import type { Clock } from '../time/clock.ts';
import type { ComplianceRecordKind } from './ports.ts';
import {
  type ComplianceStore,
  type DeadlineEvent,
  type DeadlineScheduler,
  deadlineScheduleName,
  RecordConflict,
  type RecordIndex,
} from './ports.ts';
import type { RecordBase } from './records.ts';

const MAX_ATTEMPTS = 5;

export interface RepositoryDeps {
  records: ComplianceStore;
  scheduler: DeadlineScheduler;
  clock: Clock;
}

export interface Indexer<T extends RecordBase> {
  kind: ComplianceRecordKind;
  /** What finds the record: creation time, next deadline, requester. */
  index(record: T): RecordIndex;
  /** What the record's deadline schedule should be (kinds without deadlines return null). */
  schedulable: boolean;
}

export function recordRepository<T extends RecordBase>(deps: RepositoryDeps, indexer: Indexer<T>) {
  const { records } = deps;

  async function syncSchedule(record: T, before: string | null, after: string | null) {
    if (!indexer.schedulable || before === after) return;
    const kind = indexer.kind as DeadlineEvent['kind'];
    try {
      if (before) await deps.scheduler.cancel(deadlineScheduleName(kind, record.id, before));
      if (after && Date.parse(after) > deps.clock.now().getTime()) {
        await deps.scheduler.scheduleOnce(deadlineScheduleName(kind, record.id, after), new Date(after), {
          desk: record.desk,
          kind,
          id: record.id,
          dueAt: after,
        });
      }
    } catch (error) {
      // The record is saved; the recurring sweep applies its deadline even without a schedule.
      logger.warn('deadline schedule not updated; the compliance sweep will catch it', {
        kind,
        id: record.id,
        error: String(error),
      });
    }
  }

  return {
    async get(desk: string, id: string): Promise<T | undefined> {
      return records.get<T>(indexer.kind, desk, id);
    },

    async create(record: T): Promise<{ record: T; created: boolean }> {
      const created = await records.create(indexer.kind, record, indexer.index(record));
      if (!created) {
        const existing = await records.get<T>(indexer.kind, record.desk, record.id);
        if (!existing) throw new Error(`${indexer.kind} ${record.id} reported as existing but not found`);
        return { record: existing, created: false };
      }
      await syncSchedule(record, null, indexer.index(record).nextDeadlineAt);
      return { record, created: true };
    },

    /**
     * Applies `change` to the latest version and saves it; re-reads and re-applies after a lost race.
     * `change` returns the same object when there is nothing to write. Problems it throws propagate.
     */
    async update(
      desk: string,
      id: string,
      change: (record: T) => T,
      notFound = `${indexer.kind} ${id}`,
    ): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const current = await records.get<T>(indexer.kind, desk, id);
        if (!current) throw DomainError.notFound(notFound);
        const next = change(current);
        if (next === current) return current;
        try {
          await records.save(
            indexer.kind,
            next,
            current.version,
            indexer.index(next),
            current.history.length,
          );
        } catch (error) {
          if (error instanceof RecordConflict && attempt < MAX_ATTEMPTS) continue;
          throw error;
        }
        await syncSchedule(next, indexer.index(current).nextDeadlineAt, indexer.index(next).nextDeadlineAt);
        return next;
      }
    },
  };
}
