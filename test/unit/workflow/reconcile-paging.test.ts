import { describe, expect, it } from 'vitest';
import { mapBounded } from '#shared/runtime/bounded-concurrency.ts';
import type { TicketStore } from '#shared/tickets/ports.ts';
import type { DueTicket, Page, SweepPages } from '#shared/workflow/ports.ts';
import { reconcileWorkflows } from '#shared/workflow/reconcile.ts';
import type { WorkflowSignals } from '#shared/workflow/signals.ts';

/** A desk with `waiting` tickets whose workflow missed a change, served 100 per page. */
function desk(waiting: number) {
  const due: DueTicket[] = Array.from({ length: waiting }, (_, i) => ({
    ticketId: `T${i}`,
    since: '2031-01-01',
  }));
  const pageOf = (from: Record<string, unknown> | undefined, limit: number): Page<DueTicket> => {
    const start = (from?.offset as number | undefined) ?? 0;
    const end = start + limit;
    return { items: due.slice(start, end), next: end < due.length ? { offset: end } : undefined };
  };
  const pages: SweepPages = {
    workflowDue: async (_d, _b, from, limit) => pageOf(from, limit),
    overdueCheckpoints: async () => ({ items: [], next: undefined }),
    mailPending: async () => ({ items: [], next: undefined }),
    outbox: async () => ({ items: [], next: undefined }),
    countWorkflowDue: async () => due.length,
  };
  const started: string[] = [];
  const signals: WorkflowSignals = {
    start: async (input) => void started.push(input.ticketId),
    wake: async () => 'stale',
    end: async () => 'stale',
    status: async () => 'missing',
  };
  const store = {
    getTicket: async (_desk: string, id: string) => ({ ticket: { id, status: 'open' }, activity: [] }),
  } as unknown as TicketStore;
  return { pages, signals, store, started, clock: { now: () => new Date('2031-01-02T00:00:00Z') } };
}

describe('the workflow reconciler', () => {
  it('pages through every waiting ticket, not the first 100', async () => {
    const d = desk(250);
    const report = await reconcileWorkflows(d, 'techflow', { timeLeft: () => true });
    expect(report.examined).toBe(250);
    expect(new Set(d.started).size).toBe(250);
    expect(report.backlog).toBe(0);
  });

  it('stops between pages when its time is up and reports what it left as backlog', async () => {
    const d = desk(250);
    let pagesAllowed = 2;
    const report = await reconcileWorkflows(d, 'techflow', { timeLeft: () => pagesAllowed-- > 0 });
    expect(report.examined).toBe(200);
    expect(report.backlog).toBe(50);
  });

  it('works desks with bounded concurrency, results in desk order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapBounded(['a', 'b', 'c', 'd', 'e', 'f'], 4, async (x) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return x.toUpperCase();
    });
    expect(results).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(most).toBe(4);
  });
});
