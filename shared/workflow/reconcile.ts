import type { TicketStore } from '../store/ticket-store.ts';
import type { Clock } from '../time/clock.ts';
import { executionNameFor } from './model.ts';
import type { WorkflowSignals } from './signals.ts';

/** How long a change may wait for its workflow before the sweep steps in. */
export const RECONCILE_GRACE_MS = 60_000;

export interface ReconcileReport {
  desk: string;
  examined: number;
  started: string[];
  woken: string[];
  stillSettling: number;
}

/**
 * The safety net behind "every ticket has exactly one running workflow": tickets whose latest
 * change has not been seen by their workflow for longer than the grace period get their
 * execution started (deterministic name, so a duplicate start is harmless) or woken.
 */
export async function reconcileWorkflows(
  deps: { store: TicketStore; signals: WorkflowSignals; clock: Clock },
  desk: string,
  limit = 100,
): Promise<ReconcileReport> {
  const before = new Date(deps.clock.now().getTime() - RECONCILE_GRACE_MS).toISOString();
  const due = await deps.store.listWorkflowDue(desk, before, limit);
  const report: ReconcileReport = { desk, examined: due.length, started: [], woken: [], stillSettling: 0 };
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
  return report;
}
