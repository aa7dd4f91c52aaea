/**
 * Progress of a DSAR export or erasure, which works through the requester's tickets in bounded
 * batches (pages of the requester index) across invocations. The record carries where the job
 * stands, so a crash between batches loses nothing, and the page in progress is written ahead, so a
 * crash inside a batch redoes that page only (each ticket's step is idempotent). Pure: the clock and
 * the counts come in.
 */
import type { Dsar } from './dsar.ts';
import { type Actor, nextVersion, withHistory } from './records.ts';

/** Tickets per batch: one page of the requester index; an API call or one continuation step does one. */
export const DSAR_BATCH_TICKETS = 10;
/** Batches one continuation invocation works through before it hands over to the next. */
export const DSAR_BATCHES_PER_RUN = 5;
/**
 * When the next batch runs after one is committed: the record's deadline schedule fires then (EventBridge
 * Scheduler's `at()` resolves to the minute), and the compliance sweep is the safety net.
 */
export const DSAR_CONTINUE_AFTER_MS = 60_000;

export type DsarJobKind = 'export' | 'erasure';

export interface DsarBatch {
  /** The tickets of the page being worked on. */
  ticketIds: string[];
  /** Where the page after this one starts (null: this is the last page). */
  nextCursor: string | null;
  /** Tickets of this page already done (an erasure records each as it goes). */
  done: string[];
}

export interface DsarProgress {
  kind: DsarJobKind;
  by: Actor;
  startedAt: string;
  /** The requester's tickets when the job started (a count of the requester index). */
  total: number;
  /** Tickets done so far: exported, erased, or kept under a legal hold. */
  processed: number;
  /** Pages committed; an export keeps one part object per page until the bundle is built. */
  batches: number;
  /** Where the next page of the requester's tickets starts (null: the first page). */
  cursor: string | null;
  /** Every page is done; what is left is the last step (appeals, other requests, the bundle). */
  ticketsDone: boolean;
  /** Written ahead: the page in progress. */
  batch?: DsarBatch;
  /** When the next batch is due (the record's next deadline while the job runs). */
  continueAt: string;
  finishedAt?: string;
}

export const isJobRunning = (dsar: Dsar): boolean => !!dsar.progress && !dsar.progress.finishedAt;

const continueAt = (now: Date) => new Date(now.getTime() + DSAR_CONTINUE_AFTER_MS).toISOString();

/** Starts the job (or leaves a running one as it is: a repeated call resumes it). */
export function startDsarJob(dsar: Dsar, kind: DsarJobKind, by: Actor, total: number, now: Date): Dsar {
  if (isJobRunning(dsar)) return dsar;
  // No history entry of its own: the export's or erasure's entries name who started it.
  return {
    ...nextVersion(dsar),
    progress: {
      kind,
      by,
      startedAt: now.toISOString(),
      total,
      processed: 0,
      batches: 0,
      cursor: null,
      ticketsDone: false,
      continueAt: continueAt(now),
    },
  };
}

/** Writes the page about to be worked on; unchanged when another invocation already took a page. */
export function beginDsarBatch(dsar: Dsar, cursor: string | null, batch: DsarBatch, now: Date): Dsar {
  const p = dsar.progress;
  if (!p || p.finishedAt || p.batch || p.ticketsDone || p.cursor !== cursor) return dsar;
  return { ...nextVersion(dsar), progress: { ...p, batch, continueAt: continueAt(now) } };
}

/** Notes one ticket of the page as done (once, however often it is redone). */
export function markBatchTicketDone(dsar: Dsar, ticketId: string, change: (d: Dsar) => Dsar): Dsar {
  const batch = dsar.progress?.batch;
  if (!batch || batch.done.includes(ticketId)) return dsar;
  const changed = change(dsar);
  return {
    ...changed,
    version: dsar.version + 1,
    progress: { ...changed.progress!, batch: { ...batch, done: [...batch.done, ticketId] } },
  };
}

/** Commits the page: counts, the next cursor, and when the next batch is due. */
export function commitDsarBatch(dsar: Dsar, batch: DsarBatch, now: Date): Dsar {
  const p = dsar.progress;
  const same =
    p?.batch &&
    p.batch.ticketIds.join() === batch.ticketIds.join() &&
    p.batch.nextCursor === batch.nextCursor;
  if (!p?.batch || !same) return dsar;
  const { batch: _done, ...rest } = p;
  return withHistory(
    {
      ...nextVersion(dsar),
      progress: {
        ...rest,
        processed: p.processed + p.batch.ticketIds.length,
        batches: p.batches + 1,
        cursor: batch.nextCursor,
        ticketsDone: batch.nextCursor === null,
        continueAt: continueAt(now),
      },
    },
    {
      at: now.toISOString(),
      action: 'dsar.batch-done',
      by: p.by,
      details: { job: p.kind, batch: p.batches + 1, processed: p.processed + p.batch.ticketIds.length },
    },
  );
}

/** The job is over (the export recorded, or the erasure finished). */
export function finishDsarJob(dsar: Dsar, now: Date): Dsar {
  const p = dsar.progress;
  if (!p || p.finishedAt) return dsar;
  // The cursor is a position in the requester index, so it names the requester: it goes.
  const { batch: _batch, ...rest } = p;
  return { ...dsar, progress: { ...rest, cursor: null, finishedAt: now.toISOString() } };
}

/** What the requester and staff see of a job: how far it is. */
export function progressView(p: DsarProgress) {
  return {
    kind: p.kind,
    status: p.finishedAt ? ('finished' as const) : ('running' as const),
    processed: p.processed,
    total: Math.max(p.total, p.processed),
    startedAt: p.startedAt,
    ...(p.finishedAt ? { finishedAt: p.finishedAt } : {}),
  };
}
