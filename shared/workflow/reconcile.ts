import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { executionNameFor } from './model.ts';
import type { WorkflowTicketStore } from './ports.ts';
import type { WorkflowSignals } from './signals.ts';

/** How long a change may wait for its workflow before the sweep steps in. */
export const RECONCILE_GRACE_MS = 60_000;

export interface ReconcileReport {
  desk: string;
  examined: number;
  started: string[];
  woken: string[];
  stillSettling: number;
  /** Tickets whose checkpoint passed while no execution was running (e.g. it failed after its retries). */
  restartedOverdue: string[];
}

/** Statuses whose tickets still have SLA clocks a workflow must watch. */
const WATCHED_STATUSES = ['new', 'open', 'pending', 'on-hold', 'solved'] as const;

/**
 * The safety net behind "every ticket has exactly one running workflow": tickets whose latest
 * change has not been seen by their workflow for longer than the grace period get their
 * execution started (deterministic name, so a duplicate start is harmless) or woken.
 */
export async function reconcileWorkflows(
  deps: { store: TicketReader & WorkflowTicketStore; signals: WorkflowSignals; clock: Clock },
  desk: string,
  limit = 100,
): Promise<ReconcileReport> {
  const before = new Date(deps.clock.now().getTime() - RECONCILE_GRACE_MS).toISOString();
  const due = await deps.store.listWorkflowDue(desk, before, limit);
  const report: ReconcileReport = {
    desk,
    examined: due.length,
    started: [],
    woken: [],
    stillSettling: 0,
    restartedOverdue: [],
  };
  for (const item of due) {
    const stored = await deps.store.getTicket(desk, item.ticketId);
    if (!stored) continue;
    const name = stored.workflow?.executionName ?? executionNameFor(item.ticketId);
    const status = await deps.signals.status(name);
    if (status !== 'running') {
      if (stored.ticket.status === 'closed' && status === 'finished') continue;
      // A finished execution's name cannot be reused for 90 days: restart under a fresh generation.
      const executionName = status === 'missing' ? name : `${item.ticketId}-r${deps.clock.now().getTime()}`;
      await deps.signals.start({ ticketId: item.ticketId, desk, executionName });
      report.started.push(executionName);
      continue;
    }
    const token = stored.workflow?.taskToken;
    if (
      token &&
      (await deps.signals.wake(token, { wokenBy: 'reconciler: a change was not yet seen' })) === 'woken'
    ) {
      report.woken.push(name);
    } else {
      report.stillSettling++;
    }
  }
  // Second net: a checkpoint long past with no execution running means the workflow died
  // (its task failed beyond its retries). Start a fresh execution so the ticket keeps its SLA.
  const seen = new Set(due.map((d) => d.ticketId));
  for (const status of WATCHED_STATUSES) {
    for (const item of await deps.store.listOverdueCheckpoints(desk, status, before, limit)) {
      if (seen.has(item.ticketId)) continue;
      seen.add(item.ticketId);
      report.examined++;
      const stored = await deps.store.getTicket(desk, item.ticketId);
      const name = stored?.workflow?.executionName ?? executionNameFor(item.ticketId);
      if (!stored || (await deps.signals.status(name)) === 'running') continue;
      const executionName = `${item.ticketId}-r${deps.clock.now().getTime()}`;
      await deps.signals.start({ ticketId: item.ticketId, desk, executionName });
      report.restartedOverdue.push(executionName);
    }
  }
  return report;
}
