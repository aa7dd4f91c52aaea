import type { KpiRecorder } from '../kpis/recorder.ts';
import { sendableEntries } from '../notices/deliver.ts';
import {
  type OutboundMail,
  type OutboundOutcome,
  outboundForSlaActions,
  pendingAfter,
} from '../notices/outbound.ts';
import type { OutboundMailPort } from '../notices/outbound-port.ts';
import { logger } from '../observability/logger.ts';
import { emitMetric } from '../observability/metrics.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Ticket } from '../tickets/model.ts';
import type { TicketStore } from '../tickets/ports.ts';
import { VersionConflict } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { entriesClaimedFor, slaActionRecord } from './first-notices.ts';
import { executionNameFor, SLA_WORKFLOW_ACTOR, type SlaActionRecord } from './model.ts';
import type { MailRecord, ParkProgress } from './ports.ts';
import type { SlaPlanner } from './sla-planner.ts';

/** Longest single sleep. A quiet ticket wakes this often anyway (cheap, and below every engine's timer limit). */
export const MAX_SLEEP_SECONDS = 7 * 24 * 3600;
/** Loops per execution before handing over to a new one (each loop is ~13 history events; AWS allows 25,000). */
export const CYCLES_PER_EXECUTION = 1000;
/** Age at which an execution hands over, well before Standard workflows' one-year limit. */
export const MAX_EXECUTION_AGE_MS = 300 * 24 * 3600_000;
const MAX_ATTEMPTS = 5;

export interface CheckSlaInput {
  ticketId: string;
  desk: string;
  executionName: string;
  cycle?: number | undefined;
  generation?: number | undefined;
  /**
   * The execution's definition passes the send outcomes to the park, which records them. Executions
   * started on an earlier definition (they keep it until they end) do not: their Apply step records them.
   */
  parkRecordsMail?: boolean | undefined;
  /**
   * The definition's park writes this step's progress with the task token (one ticket write per wake);
   * executions started on an earlier definition do not pass it, and their Apply step writes it.
   */
  parkRecordsProgress?: boolean | undefined;
  /** `$$.State.RetryCount` of this step (see shared/workflow/first-notices.ts). */
  attempt?: number | undefined;
}

export type CheckSlaResult = {
  ticketId: string;
  desk: string;
  cycle: number;
  generation: number;
  /** What this step did, as sentences for the execution history. */
  applied: string[];
} & (
  | {
      next: 'sleep';
      wakeAt: string;
      sleepSeconds: number;
      seenVersion: number;
      /** Outcome of the sends this step made, recorded by the park in the same write as the task token. */
      mail: MailRecord;
      /** This step's progress when it did not write it: the park writes it with the task token. */
      progress?: ParkProgress | undefined;
    }
  | { next: 'continue-as-new'; nextExecutionName: string; nextGeneration: number }
  | { next: 'stop'; reason: string }
);

/**
 * The workflow's thinking step: apply every SLA action that has come due (each once), record
 * it on the ticket, and say when to look again. Re-reads and retries if the ticket changes
 * under it, so the workflow always plans from the latest version.
 */
export async function checkTicketSla(
  deps: {
    store: TicketStore;
    planner: SlaPlanner;
    clock: Clock;
    kpis: KpiRecorder;
    mail?: OutboundMailPort | undefined;
  },
  input: CheckSlaInput,
): Promise<CheckSlaResult> {
  const cycle = (input.cycle ?? 0) + 1;
  const generation = input.generation ?? 1;
  const base = { ticketId: input.ticketId, desk: input.desk, cycle, generation };
  for (let attempt = 1; ; attempt++) {
    // With mail to send, one read serves both: the ticket and the messages mail is rendered from.
    const found = deps.mail ? await deps.mail.read(input.desk, input.ticketId) : undefined;
    const stored = deps.mail ? found?.stored : await deps.store.getTicket(input.desk, input.ticketId);
    if (!stored) return { ...base, applied: [], next: 'stop', reason: 'The ticket no longer exists.' };
    const now = deps.clock.now();
    const plan = deps.planner(stored.ticket, stored.activity, now);
    const done = new Set((stored.sla?.actions ?? []).map((a) => a.id));
    const due = plan.actions.filter((a) => !done.has(a.id)).sort((a, b) => a.at.localeCompare(b.at));

    let ticket: Ticket = stored.ticket;
    const newActivity: TicketActivity[] = [];
    const records: SlaActionRecord[] = [];
    for (const action of due) {
      records.push(slaActionRecord(action, now));
      if (action.kind === 'escalate' && action.toTier && action.toTier > ticket.tier) {
        newActivity.push({
          at: now.toISOString(),
          by: SLA_WORKFLOW_ACTOR,
          type: 'tier-changed',
          from: ticket.tier,
          to: action.toTier,
          // Replays recognise it as this escalation, not as a change an agent made.
          actionId: action.id,
        });
        ticket = { ...ticket, tier: action.toTier };
      }
    }
    if (newActivity.length) ticket = { ...ticket, version: ticket.version + 1, updatedAt: now.toISOString() };
    // The first step of an execution records when it started (the ticket keeps the current execution).
    const sameExecution =
      stored.workflow?.executionName === input.executionName && stored.workflow.executionStartedAt;
    const executionStartedAt = sameExecution ? stored.workflow!.executionStartedAt! : now.toISOString();
    const closed = ticket.status === 'closed';
    const nextCheckpoint = closed ? null : plan.nextCheckpoint;
    const wakeAtMs = nextCheckpoint ? Date.parse(nextCheckpoint) : now.getTime() + MAX_SLEEP_SECONDS * 1000;
    const sleepSeconds = Math.min(
      MAX_SLEEP_SECONDS,
      Math.max(1, Math.ceil((wakeAtMs - now.getTime()) / 1000)),
    );
    const wakeAt = new Date(now.getTime() + sleepSeconds * 1000).toISOString();
    const age = now.getTime() - Date.parse(executionStartedAt);
    const handOver = !closed && (cycle >= CYCLES_PER_EXECUTION || age >= MAX_EXECUTION_AGE_MS);
    // Notices the applied actions send are queued in the same write, so each goes out once; this step
    // takes them (and any other entry free to send) for its own send in that write too. Entries the
    // create queued already claimed for this step are not queued again, and need no claim.
    const outbox = stored.outbox ?? [];
    const lease = deps.mail?.lease();
    const queued = new Set(outbox.map((m) => m.id));
    const newOutbound: OutboundMail[] = outboundForSlaActions(records, now)
      .filter((m) => !queued.has(m.id))
      .map((m) => (lease ? { ...m, claimedUntil: lease.until } : m));
    const waiting = lease ? sendableEntries(outbox, now.toISOString(), lease.now) : [];
    const ours = lease
      ? entriesClaimedFor(
          { executionName: input.executionName, cycle, attempt: input.attempt },
          outbox,
          new Date(lease.now),
        )
      : [];
    const outboxAfter = [
      ...outbox.map((m, i) =>
        lease && waiting.some((w) => w.index === i) ? { ...m, claimedUntil: lease.until } : m,
      ),
      ...newOutbound,
    ];
    const claimed = lease
      ? outboxAfter.flatMap((entry, index) =>
          index >= outbox.length || [...waiting, ...ours].some((w) => w.index === index)
            ? [{ index, entry }]
            : [],
        )
      : [];
    // What only the workflow sees (a breach as the clock passes a target) moves the KPI share here.
    const activityAfter = [...stored.activity, ...newActivity];
    const kpi = await deps.kpis.planTicketShare(stored, ticket, activityAfter, now);
    // One ticket write per wake: the park writes this step's progress with its task token, unless this
    // step must write first (mail to claim before sending it) or does not park (closed, hand-over).
    const parkWrites =
      input.parkRecordsProgress === true &&
      !closed &&
      !handOver &&
      newOutbound.length === 0 &&
      waiting.length === 0;
    const progress = {
      executionName: input.executionName,
      executionStartedAt,
      nextCheckpoint,
      // Even with no SLA checkpoint the workflow looks again by then; the reconciler relies on it.
      wakeAt,
      packVersion: plan.packVersion,
      newActivity,
      newActions: records,
      kpi,
    };
    if (!parkWrites) {
      try {
        await deps.store.recordSlaProgress({
          ...progress,
          newOutbound,
          expectedVersion: stored.ticket.version,
          ticket,
          wakeAt: closed ? null : wakeAt,
          ...(lease && waiting.length
            ? {
                claim: {
                  entries: waiting.map((w) => ({ index: w.index, id: w.entry.id })),
                  leaseNow: lease.now,
                  until: lease.until,
                  outboxLength: outbox.length,
                },
              }
            : {}),
          mailPendingSince: outboxAfter.some((m) => m.status === 'pending') ? now.toISOString() : undefined,
        });
      } catch (error) {
        if (error instanceof VersionConflict && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      // Then the days it changed, once each (a retry finds the change on the ticket; the park drops it).
      if (kpi) await deps.kpis.addChange(ticket.desk, kpi.change);
    }
    const applied = records.map((r) => `${r.summary} (${r.rule}; due ${r.at})`);
    const mail: MailRecord = { outcomes: [], outboxLength: outboxAfter.length, settled: false };
    if (deps.mail && found && claimed.length) {
      const after = {
        stored: { ...stored, ticket, activity: activityAfter, outbox: outboxAfter },
        messages: found.messages,
      };
      try {
        const { outcomes, report } = await deps.mail.send(after, claimed);
        mail.outcomes = outcomes.map((o) =>
          forHistory(
            o,
            ours.some((w) => w.index === o.index),
          ),
        );
        mail.settled = !pendingAfter(outboxAfter, outcomes);
        if (report.sent.length) applied.push(`Mail sent: ${report.sent.join(', ')}`);
        for (const s of report.skipped) applied.push(`Mail skipped: ${s.id} (${s.reason})`);
        for (const f of report.failed) applied.push(`Mail failed: ${f.id} (${f.reason})`);
      } catch (error) {
        // The entries stay claimed and listed: the outbound sweep sends them once the lease is over.
        logger.warn('outbound mail deferred to the sweep', {
          desk: input.desk,
          ticketId: input.ticketId,
          error: String(error),
        });
      }
    }
    // Outcomes ride on the park's write; without a park (or a park that will not record them) now.
    if ((closed || !input.parkRecordsMail) && mail.outcomes.length) {
      await deps.store.recordMailOutcome(input.desk, input.ticketId, mail);
      mail.outcomes = [];
      mail.settled = false;
    }
    recordObservability(ticket, input.executionName, records);
    if (closed)
      return { ...base, applied, next: 'stop', reason: 'The ticket is closed; its SLA clocks are stopped.' };
    if (handOver) {
      if (mail.outcomes.length) await deps.store.recordMailOutcome(input.desk, input.ticketId, mail);
      return {
        ...base,
        applied,
        next: 'continue-as-new',
        // Unique per hand-over: names of finished executions cannot be reused for 90 days.
        nextExecutionName: `${executionNameFor(input.ticketId, generation + 1)}-${now.getTime().toString(36)}`,
        nextGeneration: generation + 1,
      };
    }
    return {
      ...base,
      applied,
      next: 'sleep',
      wakeAt,
      sleepSeconds,
      // The park's write holds only on the version this step planned from: its own write's, or the read's.
      seenVersion: parkWrites ? stored.ticket.version : ticket.version,
      mail,
      ...(parkWrites
        ? {
            progress: {
              ...progress,
              version: ticket.version,
              ...(newActivity.length ? { escalated: { tier: ticket.tier, at: now.toISOString() } } : {}),
              mailPendingSince: pendingAfter(outboxAfter, mail.outcomes) ? now.toISOString() : undefined,
            },
          }
        : {}),
    };
  }
}

/**
 * An outcome as it travels through the execution history: without the recipients' addresses (the
 * entry keeps them out of the history; the sent mail's Message-ID identifies it), and releasing the
 * create's claim on an entry sent under it.
 */
function forHistory(outcome: OutboundOutcome, claimedAtCreate: boolean): OutboundOutcome {
  const { to: _addresses, ...set } = outcome.set;
  return {
    ...outcome,
    set,
    remove: claimedAtCreate ? [...outcome.remove, 'claimedFor'] : outcome.remove,
  };
}

const METRIC_OF = { warn: 'SlaWarnings', breach: 'SlaBreaches', escalate: 'Escalations' } as const;

/** One log line per applied action (correlated by ticket and execution) and EMF counts per desk. */
function recordObservability(ticket: Ticket, executionName: string, records: SlaActionRecord[]) {
  for (const kind of ['warn', 'breach', 'escalate'] as const) {
    emitMetric(METRIC_OF[kind], records.filter((r) => r.kind === kind).length, ticket.desk);
  }
  const log = logger.child({ ticketId: ticket.id, desk: ticket.desk, executionName });
  for (const r of records)
    log.info('sla action applied', { actionId: r.id, kind: r.kind, at: r.at, rule: r.rule });
}
