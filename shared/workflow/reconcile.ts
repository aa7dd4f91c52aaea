import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { executionNameFor } from './model.ts';
import type { PageKey, SweepPages, WorkflowTicketStore } from './ports.ts';
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
  /** Changed tickets older than the grace period this run did not reach (0 when it drained the desk). */
  backlog: number;
}

/** Statuses whose tickets still have SLA clocks a workflow must watch. */
const WATCHED_STATUSES = ['new', 'open', 'pending', 'on-hold', 'solved'] as const;

/** Items read per page. */
export const RECONCILE_PAGE = 100;

export interface ReconcileOptions {
  /** False once the invocation's time budget is used up: the sweep stops between pages. */
  timeLeft: () => boolean;
  pageSize?: number;
}

/**
 * The safety net behind "every ticket has exactly one running workflow": tickets whose latest
 * change has not been seen by their workflow for longer than the grace period get their
 * execution started (deterministic name, so a duplicate start is harmless) or woken. Pages
 * through every such ticket while time is left; what it could not reach is its backlog.
 */
export async function reconcileWorkflows(
  deps: {
    store: TicketReader & WorkflowTicketStore;
    signals: WorkflowSignals;
    clock: Clock;
    pages: SweepPages;
  },
  desk: string,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const pageSize = options.pageSize ?? RECONCILE_PAGE;
  const before = new Date(deps.clock.now().getTime() - RECONCILE_GRACE_MS).toISOString();
  const report: ReconcileReport = {
    desk,
    examined: 0,
    started: [],
    woken: [],
    stillSettling: 0,
    restartedOverdue: [],
    backlog: 0,
  };
  const seen = new Set<string>();
  let from: PageKey | undefined;
  let drained = true;
  do {
    if (!options.timeLeft()) {
      drained = false;
      break;
    }
    const page = await deps.pages.workflowDue(desk, before, from, pageSize);
    for (const item of page.items) {
      seen.add(item.ticketId);
      report.examined++;
      await reconcileOne(item.ticketId);
    }
    from = page.next;
  } while (from);
  // Second net: a checkpoint long past with no execution running means the workflow died
  // (its task failed beyond its retries). Start a fresh execution so the ticket keeps its SLA.
  for (const status of WATCHED_STATUSES) {
    let at: PageKey | undefined;
    do {
      if (!options.timeLeft()) {
        drained = false;
        break;
      }
      const page = await deps.pages.overdueCheckpoints(desk, status, before, at, pageSize);
      for (const item of page.items) {
        if (seen.has(item.ticketId)) continue;
        seen.add(item.ticketId);
        report.examined++;
        await restartIfDead(item.ticketId);
      }
      at = page.next;
    } while (at);
  }
  // Not reached this time: tickets still waiting beyond those this run examined.
  if (!drained) {
    const waiting = await deps.pages.countWorkflowDue(desk, before);
    report.backlog = Math.max(0, waiting - report.examined);
  }
  return report;

  async function reconcileOne(ticketId: string) {
    const stored = await deps.store.getTicket(desk, ticketId);
    if (!stored) return;
    const name = stored.workflow?.executionName ?? executionNameFor(ticketId);
    const status = await deps.signals.status(name);
    if (status !== 'running') {
      if (stored.ticket.status === 'closed' && status === 'finished') return;
      // A finished execution's name cannot be reused for 90 days: restart under a fresh generation.
      const executionName = status === 'missing' ? name : `${ticketId}-r${deps.clock.now().getTime()}`;
      await deps.signals.start({ ticketId, desk, executionName });
      report.started.push(executionName);
      return;
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

  async function restartIfDead(ticketId: string) {
    const stored = await deps.store.getTicket(desk, ticketId);
    const name = stored?.workflow?.executionName ?? executionNameFor(ticketId);
    if (!stored || (await deps.signals.status(name)) === 'running') return;
    const executionName = `${ticketId}-r${deps.clock.now().getTime()}`;
    await deps.signals.start({ ticketId, desk, executionName });
    report.restartedOverdue.push(executionName);
  }
}
