/**
 * Retention purge runs. A run covers one desk on one day (`runId` = the UTC date it was scheduled
 * for), so the daily trigger firing twice, or a retry of the whole job, continues the same run
 * instead of starting another. Each data class is read in pages from the byDataClassCreated index;
 * every page is written ahead (the units about to be purged) before anything is deleted and committed
 * with its counts and the next cursor after, so a run that crashes mid-page resumes exactly there and
 * counts every purged item once. A lease keeps two invocations from working on one run at a time.
 *
 * The run record is the audit record: cut-offs, counts per class, start, finish, duration. Never
 * content, never requester details.
 */

import { objectKeysOf } from '../objects/keys.ts';
import type { ObjectStore } from '../objects/ports.ts';
import type { PolicyPack } from '../policy/schema.ts';
import type { Clock } from '../time/clock.ts';
import type { PurgeUnit } from './data-classes.ts';
import { holdIdFor, type LegalHold } from './legal-hold.ts';
import type { ComplianceStore, DeadlineScheduler, RetentionStore } from './ports.ts';
import { recordRepository } from './record-repository.ts';
import { nextVersion, type RecordBase, SYSTEM, withHistory } from './records.ts';
import {
  addCounts,
  countKept,
  decideRetention,
  type PurgeCandidate,
  type PurgeCounts,
  type RetentionRule,
  retentionPlan,
  zeroCounts,
} from './retention.ts';
import { classTotal, refreshClassCounts } from './retention-counters.ts';

/** Index items read per page. */
export const PURGE_PAGE_SIZE = 100;
/** A lease older than this belongs to a dead invocation and may be taken over. */
export const LEASE_MS = 5 * 60_000;

export interface UnitRef {
  pk: string;
  sk: string;
  ticketId?: string;
  requesterEmail?: string;
}

export interface PurgeClassProgress extends RetentionRule {
  /** Where the next page starts (null: from the oldest item). */
  cursor: string | null;
  done: boolean;
  counts: PurgeCounts;
  /** Written ahead: the page being purged, so a crash mid-page resumes it (and counts it once). */
  pending?: { units: UnitRef[]; kept: Partial<PurgeCounts>; examined: number; nextCursor: string | null };
}

export interface PurgeRun extends RecordBase {
  asOf: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  status: 'running' | 'finished';
  trigger: 'schedule' | 'manual';
  classes: PurgeClassProgress[];
  notPurged: Array<{ dataClass: string; reason: string }>;
  lease?: { owner: string; until: string };
}

export interface PurgeDeps {
  records: ComplianceStore;
  retention: RetentionStore;
  objects: ObjectStore;
  scheduler: DeadlineScheduler;
  clock: Clock;
  packFor(desk: string): PolicyPack | undefined;
}

export class LeaseLost extends Error {
  constructor(runId: string) {
    super(`purge run ${runId} is being worked on by another invocation`);
    this.name = 'LeaseLost';
  }
}

/** The run id of the day an instant falls on (UTC): one scheduled run per desk per day. */
export function runIdFor(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** What the job reports per run (and what the audit log shows). */
export function runSummary(run: PurgeRun) {
  return {
    desk: run.desk,
    runId: run.id,
    status: run.status,
    asOf: run.asOf,
    startedAt: run.startedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt, durationMs: run.durationMs } : {}),
    classes: run.classes.map((c) => ({
      dataClass: c.dataClass,
      days: c.days,
      cutoff: c.cutoff,
      origin: c.origin,
      done: c.done,
      ...c.counts,
    })),
    notPurged: run.notPurged,
  };
}

const runIndexer = {
  kind: 'purge-run' as const,
  schedulable: false,
  index: (r: PurgeRun) => ({ createdAt: r.startedAt, nextDeadlineAt: null, requesterEmail: null }),
};

/** How one index item becomes a purge candidate. */
function candidateOf(item: Record<string, unknown>): PurgeCandidate {
  const base = { pk: item.pk as string, sk: item.sk as string, createdAt: String(item.createdAt ?? '') };
  if (item.kind === 'ticket') {
    const requester = item.requester as { email?: string } | undefined;
    return {
      ...base,
      ticketId: item.id as string,
      ...(requester?.email ? { requesterEmail: requester.email } : {}),
      lastActivityAt: String(item.updatedAt ?? base.createdAt),
    };
  }
  if (typeof item.ticketId === 'string') return { ...base, ticketId: item.ticketId };
  return base;
}

export function purgeService(deps: PurgeDeps) {
  const runs = recordRepository<PurgeRun>(deps, runIndexer);
  const holds = recordRepository<LegalHold>(deps, {
    kind: 'legal-hold',
    schedulable: false,
    index: (h) => ({ createdAt: h.setAt, nextDeadlineAt: null, requesterEmail: null }),
  });
  const now = () => deps.clock.now();

  /** Fills in the requester of a ticket's message or file (for requester holds), with a per-page cache. */
  function holdChecker(desk: string) {
    const requesterOf = new Map<string, string | undefined>();
    const heldIds = new Map<string, boolean>();
    const held = async (id: string) => {
      if (!heldIds.has(id)) heldIds.set(id, (await holds.get(desk, id))?.status === 'active');
      return heldIds.get(id)!;
    };
    return async (c: { ticketId?: string | undefined; requesterEmail?: string | undefined }) => {
      let email = c.requesterEmail;
      if (c.ticketId && email === undefined) {
        if (!requesterOf.has(c.ticketId)) {
          const ticket = await deps.retention.getItem({
            pk: `DESK#${desk}#TICKET#${c.ticketId}`,
            sk: 'TICKET',
          });
          requesterOf.set(c.ticketId, (ticket?.requester as { email?: string } | undefined)?.email);
        }
        email = requesterOf.get(c.ticketId);
      }
      if (c.ticketId && (await held(holdIdFor(desk, { kind: 'ticket', ticketId: c.ticketId })))) return true;
      if (email && (await held(holdIdFor(desk, { kind: 'requester', email })))) return true;
      return false;
    };
  }

  /** Deletes one unit: S3 objects first, then child items, then the indexed item itself. */
  async function purgeUnit(desk: string, unit: PurgeUnit, ref: UnitRef) {
    let items = 0;
    let objects = 0;
    const own = await deps.retention.getItem({ pk: ref.pk, sk: ref.sk });
    const related =
      unit === 'ticket' && ref.ticketId
        ? (await deps.retention.ticketPartition(desk, ref.ticketId)).filter((i) => i.sk !== ref.sk)
        : [];
    // Their days are counted again before they go, so the preview's totals never count a deleted item.
    const doomed = [...related, ...(own ? [own] : [])];
    await deps.retention.markCountsStale(
      desk,
      doomed.flatMap((item) => deps.retention.indexedDayOf(item) ?? []),
    );
    for (const item of doomed) {
      for (const key of objectKeysOf(item)) {
        await deps.objects.delete(key);
        objects++;
      }
    }
    for (const item of related)
      if (await deps.retention.deleteItem({ pk: item.pk as string, sk: item.sk as string })) items++;
    if (await deps.retention.deleteItem({ pk: ref.pk, sk: ref.sk })) items++;
    return { items, objects };
  }

  /** Commits a change to the run if this invocation still holds its lease. */
  function owned(owner: string, change: (run: PurgeRun) => PurgeRun) {
    return (run: PurgeRun) => {
      if (run.lease?.owner !== owner) throw new LeaseLost(run.id);
      return change(run);
    };
  }

  /** One page of one class: read (or resume), write ahead, delete, commit. */
  async function purgePage(run: PurgeRun, index: number, owner: string): Promise<PurgeRun> {
    const cls = run.classes[index]!;
    const isHeld = holdChecker(run.desk);
    let pending = cls.pending;
    if (pending) {
      // Resuming after a crash: a hold set since then still protects its items.
      const units: UnitRef[] = [];
      let keptLegalHold = 0;
      for (const u of pending.units) {
        if (await isHeld(u)) keptLegalHold++;
        else units.push(u);
      }
      pending = {
        ...pending,
        units,
        kept: addCounts({ ...zeroCounts(), ...pending.kept }, { keptLegalHold }),
      };
    } else {
      const page = await deps.retention.scanClass(
        run.desk,
        cls.indexClass,
        cls.cutoff,
        PURGE_PAGE_SIZE,
        cls.cursor ?? undefined,
      );
      const units: UnitRef[] = [];
      let kept: Partial<PurgeCounts> = {};
      for (const item of page.items) {
        const candidate = candidateOf(item);
        const decision = decideRetention(candidate, cls, await isHeld(candidate));
        if (decision.purge) {
          units.push({
            pk: candidate.pk,
            sk: candidate.sk,
            ...(candidate.ticketId ? { ticketId: candidate.ticketId } : {}),
          });
        } else {
          kept = addCounts({ ...zeroCounts(), ...kept }, countKept(decision.reason));
        }
      }
      pending = { units, kept, examined: page.items.length, nextCursor: page.nextCursor ?? null };
      if (units.length) {
        const ahead = pending;
        run = await runs.update(
          run.desk,
          run.id,
          owned(owner, (r) => withClass(r, index, { ...r.classes[index]!, pending: ahead })),
        );
      }
    }
    let itemsDeleted = 0;
    let objectsDeleted = 0;
    for (const unit of pending.units) {
      const removed = await purgeUnit(run.desk, cls.unit, unit);
      itemsDeleted += removed.items;
      objectsDeleted += removed.objects;
    }
    const done = pending;
    const leaseUntil = new Date(now().getTime() + LEASE_MS).toISOString();
    return runs.update(
      run.desk,
      run.id,
      owned(owner, (r) => {
        const current = r.classes[index]!;
        const { pending: _p, ...rest } = current;
        return {
          ...withClass(r, index, {
            ...rest,
            counts: addCounts(current.counts, {
              ...done.kept,
              examined: done.examined,
              purged: done.units.length,
              itemsDeleted,
              objectsDeleted,
            }),
            cursor: done.nextCursor,
            done: done.nextCursor === null,
          }),
          lease: { owner, until: leaseUntil },
        };
      }),
    );
  }

  function withClass(run: PurgeRun, index: number, cls: PurgeClassProgress): PurgeRun {
    return { ...nextVersion(run), classes: run.classes.map((c, i) => (i === index ? cls : c)) };
  }

  function finish(run: PurgeRun): PurgeRun {
    const at = now();
    const durationMs = Math.max(0, at.getTime() - Date.parse(run.startedAt));
    const { lease: _lease, ...rest } = run;
    const details: Record<string, string | number> = { asOf: run.asOf, durationMs };
    for (const c of run.classes) {
      details[`${c.dataClass}.cutoff`] = c.cutoff;
      details[`${c.dataClass}.purged`] = c.counts.purged;
      details[`${c.dataClass}.examined`] = c.counts.examined;
      details[`${c.dataClass}.keptLegalHold`] = c.counts.keptLegalHold;
      details[`${c.dataClass}.keptRecentActivity`] = c.counts.keptRecentActivity;
      details[`${c.dataClass}.objectsDeleted`] = c.counts.objectsDeleted;
    }
    return withHistory(
      { ...nextVersion(rest as PurgeRun), status: 'finished', finishedAt: at.toISOString(), durationMs },
      { at: at.toISOString(), action: 'purge.finished', by: SYSTEM, details },
    );
  }

  return {
    /**
     * Opens (or finds) today's run for each desk. A desk whose earlier run is unfinished and no longer
     * worked on continues that run instead; one still leased by a live invocation is left to it.
     */
    async plan(input: { desks: string[]; runId?: string; trigger: PurgeRun['trigger'] }) {
      const at = now();
      const runId = input.runId ?? runIdFor(at);
      const planned: Array<{ desk: string; runId: string; note: string }> = [];
      for (const desk of input.desks) {
        const existing = await runs.get(desk, runId);
        if (existing) {
          planned.push({
            desk,
            runId,
            note: existing.status === 'finished' ? 'already finished' : 'resuming',
          });
          continue;
        }
        const recent = await deps.records.list<PurgeRun>('purge-run', desk, 5);
        const unfinished = recent.items.find((r) => r.status === 'running');
        if (unfinished) {
          const live = unfinished.lease && Date.parse(unfinished.lease.until) > at.getTime();
          planned.push({
            desk,
            runId: unfinished.id,
            note: live ? 'an earlier run is in progress' : 'continuing an interrupted earlier run',
          });
          continue;
        }
        const plan = retentionPlan(deps.packFor(desk), at);
        const run: PurgeRun = withHistory(
          {
            id: runId,
            desk,
            version: 1,
            history: [],
            notices: [],
            asOf: at.toISOString(),
            startedAt: at.toISOString(),
            status: 'running',
            trigger: input.trigger,
            classes: plan.rules.map((r) => ({ ...r, cursor: null, done: false, counts: zeroCounts() })),
            notPurged: plan.notPurged,
          },
          {
            at: at.toISOString(),
            action: 'purge.started',
            by: SYSTEM,
            details: {
              trigger: input.trigger,
              classes: plan.rules.map((r) => `${r.dataClass}: ${r.days} days, before ${r.cutoff}`),
            },
          },
        );
        const { created } = await runs.create(run);
        planned.push({ desk, runId, note: created ? 'started' : 'resuming' });
      }
      return planned;
    },

    /**
     * Works on the given runs until each is finished, `maxPages` pages are done, or `shouldStop()` says
     * time is up. Returns the runs' summaries and whether every one is finished (or owned elsewhere).
     */
    async runBatch(input: {
      runs: Array<{ desk: string; runId: string }>;
      owner: string;
      maxPages: number;
      shouldStop: () => boolean;
    }) {
      let pages = 0;
      const results = [];
      for (const { desk, runId } of input.runs) {
        let run = await runs.get(desk, runId);
        if (!run) continue;
        if (run.status === 'finished') {
          results.push({ ...runSummary(run), owner: 'finished' });
          continue;
        }
        const at = now();
        if (run.lease && run.lease.owner !== input.owner && Date.parse(run.lease.until) > at.getTime()) {
          results.push({ ...runSummary(run), owner: 'another invocation' });
          continue;
        }
        const until = new Date(at.getTime() + LEASE_MS).toISOString();
        try {
          run = await runs.update(desk, runId, (r) => {
            const other =
              r.lease && r.lease.owner !== input.owner && Date.parse(r.lease.until) > at.getTime();
            if (other) throw new LeaseLost(r.id);
            return { ...nextVersion(r), lease: { owner: input.owner, until } };
          });
        } catch (error) {
          if (!(error instanceof LeaseLost)) throw error;
          results.push({ ...runSummary(run), owner: 'another invocation' });
          continue;
        }
        // Keeps the per-day counts the preview totals come from up to date (bounded per batch).
        for (const c of run.classes) await refreshClassCounts(deps.retention, desk, c.indexClass, at);
        try {
          while (run.status === 'running' && pages < input.maxPages && !input.shouldStop()) {
            const index = run.classes.findIndex((c) => !c.done);
            if (index < 0) {
              run = await runs.update(desk, runId, owned(input.owner, finish));
              break;
            }
            run = await purgePage(run, index, input.owner);
            pages++;
          }
          if (run.status === 'running' && run.classes.every((c) => c.done)) {
            run = await runs.update(desk, runId, owned(input.owner, finish));
          }
        } catch (error) {
          if (!(error instanceof LeaseLost)) throw error;
          results.push({ ...runSummary(run), owner: 'another invocation' });
          continue;
        }
        results.push({ ...runSummary(run), owner: 'this invocation' });
      }
      const done = results.every((r) => r.status === 'finished' || r.owner === 'another invocation');
      return { done, pages, runs: results };
    },

    get: (desk: string, runId: string) => runs.get(desk, runId),

    /**
     * Dry run: what a purge would remove now, one page at a time, writing nothing. The cursor carries
     * the instant the preview started, so every page uses the same cut-offs.
     */
    async preview(desk: string, options: { cursor?: string | undefined; limit: number; totals: boolean }) {
      const state = options.cursor
        ? decodePreviewCursor(options.cursor)
        : { asOf: now().toISOString(), c: 0, k: null };
      const plan = retentionPlan(deps.packFor(desk), new Date(state.asOf));
      const totals = options.totals
        ? Object.fromEntries(
            await Promise.all(
              plan.rules.map(
                async (r) =>
                  [r.dataClass, await classTotal(deps.retention, desk, r.indexClass, r.cutoff)] as const,
              ),
            ),
          )
        : undefined;
      const rule = plan.rules[state.c];
      const base = {
        desk,
        asOf: state.asOf,
        rules: plan.rules.map(({ dataClass, days, cutoff, origin, source }) => ({
          dataClass,
          days,
          cutoff,
          origin,
          ...(source ? { source } : {}),
        })),
        notPurged: plan.notPurged,
        ...(totals ? { candidates: totals } : {}),
      };
      if (!rule) return { ...base, page: null, cursor: undefined };
      const page = await deps.retention.scanClass(
        desk,
        rule.indexClass,
        rule.cutoff,
        options.limit,
        state.k ?? undefined,
      );
      const isHeld = holdChecker(desk);
      const wouldPurge: Array<{ id: string; createdAt: string }> = [];
      let counts = zeroCounts();
      for (const item of page.items) {
        const candidate = candidateOf(item);
        const decision = decideRetention(candidate, rule, await isHeld(candidate));
        counts = addCounts(counts, {
          examined: 1,
          ...(decision.purge ? { purged: 1 } : countKept(decision.reason)),
        });
        if (decision.purge)
          wouldPurge.push({ id: String(item.id ?? item.sk), createdAt: candidate.createdAt });
      }
      const next = page.nextCursor
        ? { ...state, k: page.nextCursor }
        : state.c + 1 < plan.rules.length
          ? { asOf: state.asOf, c: state.c + 1, k: null }
          : undefined;
      return {
        ...base,
        page: {
          dataClass: rule.dataClass,
          examined: counts.examined,
          wouldPurge: counts.purged,
          keptLegalHold: counts.keptLegalHold,
          keptRecentActivity: counts.keptRecentActivity,
          items: wouldPurge,
        },
        cursor: next ? encodePreviewCursor(next) : undefined,
      };
    },
  };
}

interface PreviewCursor {
  asOf: string;
  c: number;
  k: string | null;
}

function encodePreviewCursor(cursor: PreviewCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodePreviewCursor(text: string): PreviewCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PreviewCursor;
    if (
      typeof value.asOf === 'string' &&
      !Number.isNaN(Date.parse(value.asOf)) &&
      Number.isInteger(value.c) &&
      value.c >= 0
    ) {
      return { asOf: value.asOf, c: value.c, k: typeof value.k === 'string' ? value.k : null };
    }
  } catch {
    // fall through
  }
  throw new PreviewCursorError();
}

export class PreviewCursorError extends Error {
  constructor() {
    super('not a cursor from this preview');
    this.name = 'PreviewCursorError';
  }
}

export type PurgeService = ReturnType<typeof purgeService>;
