import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { findPolicyPack } from '../policy/packs.ts';
import type { PolicyPack } from '../policy/schema.ts';
import { ALWAYS_OPEN, businessMinutesBetween } from '../sla/calendar.ts';
import { compilePack } from '../sla/compiled-pack.ts';
import { computeSla } from '../sla/engine.ts';
import { assertCanSeeTicket } from '../tickets/access.ts';
import { type Priority, type Status, UNRESOLVED_STATUSES } from '../tickets/model.ts';
import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { slaEventsOf } from '../workflow/policy-planner.ts';
import { consoleUrlOf, type ExecutionStep, executionSteps } from './execution-history.ts';
import type { QueueReads } from './ports.ts';
import {
  type ClockMeasure,
  compareQueueEntries,
  type QueueEntry,
  queueEntryOf,
  RISK_LEVELS,
  type RiskLevel,
} from './queue.ts';
import { decodeQueuePosition, encodeQueuePosition } from './queue-position.ts';
import type { ExecutionReader } from './sfn-history-reader.ts';

/** Tickets read per index page while filling a queue page (the filters may skip some). */
export const QUEUE_PAGE_READ = 100;
/** Most executions shown per ticket (the current one and those it was handed over from). */
export const MAX_EXECUTIONS = 5;
/** Most history events read per execution (newest kept); a loop is ~13 events. */
export const MAX_HISTORY_EVENTS = 3000;

export interface OpsServiceDeps {
  store: TicketReader;
  queue: QueueReads;
  executions: ExecutionReader;
  clock: Clock;
}

export interface QueueQuery {
  status?: Status | undefined;
  priority?: Priority | undefined;
  risk?: RiskLevel | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface ExecutionView {
  name: string;
  executionArn: string;
  status: string;
  startedAt: string | null;
  stoppedAt: string | null;
  /** The AWS console page, when deployed (null on the local stack). */
  consoleUrl: string | null;
  steps: ExecutionStep[];
  truncated: boolean;
}

/** Business minutes on the metric's calendar (or elapsed minutes for a calendar clock), from the pack. */
function clockMeasureOf(pack: PolicyPack): ClockMeasure {
  const calendars = compilePack(pack).calendars;
  return (metric, from, to) => {
    const calendar =
      metric.clock === 'business' && metric.calendar ? calendars.get(metric.calendar) : undefined;
    return businessMinutesBetween(calendar ?? ALWAYS_OPEN, from, to);
  };
}

function assertStaff(principal: Principal, what: string) {
  if (!isStaff(principal)) throw DomainError.forbidden(`${what} is for support staff.`);
}

export function opsService(deps: OpsServiceDeps) {
  return {
    /**
     * The desk's unresolved tickets across every open status, soonest workflow checkpoint first,
     * a page at a time (`nextCursor` continues); each page is ordered most urgent SLA deadline first.
     * Counts describe the tickets this page read, so no request reads the whole backlog.
     */
    async queue(principal: Principal, query: QueueQuery) {
      assertStaff(principal, 'The queue');
      const now = deps.clock.now();
      const pack = findPolicyPack(principal.desk);
      const measure = pack ? clockMeasureOf(pack) : undefined;
      const statuses = query.status ? [query.status] : UNRESOLVED_STATUSES;
      const counts = Object.fromEntries(RISK_LEVELS.map((l) => [l, 0])) as Record<RiskLevel, number>;
      const matching: QueueEntry[] = [];
      let position = query.cursor ? decodeQueuePosition(query.cursor) : undefined;
      // Read index pages until the page is full or the index runs out; no cap on how far that goes.
      do {
        const room = query.limit - matching.length;
        const page = await deps.queue.pageUnresolved(
          principal.desk,
          statuses,
          Math.min(room, QUEUE_PAGE_READ),
          position,
        );
        for (const r of page.records) {
          const entry = queueEntryOf(
            r.ticket,
            pack ? computeSla(pack, slaEventsOf(r.activity), now) : undefined,
            r.nextCheckpoint,
            now,
            measure,
          );
          counts[entry.risk.level] += 1;
          if (
            (!query.priority || entry.ticket.priority === query.priority) &&
            (!query.risk || entry.risk.level === query.risk)
          )
            matching.push(entry);
        }
        position = page.next ?? undefined;
      } while (position && matching.length < query.limit);
      matching.sort(compareQueueEntries);
      return {
        desk: principal.desk,
        timeZone: pack?.timeZone ?? 'UTC',
        now: now.toISOString(),
        counts,
        total: matching.length,
        truncated: position !== undefined,
        nextCursor: position ? encodeQueuePosition(position) : null,
        items: matching,
      };
    },

    /**
     * The ticket's workflow executions (the current one, and the ones it was handed over from or
     * restarted after) as readable steps, read with GetExecutionHistory.
     */
    async ticketHistory(principal: Principal, ticketId: string, options: { withData: boolean }) {
      const stored = await deps.store.getTicket(principal.desk, ticketId);
      const ticket = assertCanSeeTicket(principal, stored?.ticket, ticketId);
      assertStaff(principal, 'The execution history');
      const names = new Set<string>();
      const views: ExecutionView[] = [];
      let next: string | null = deps.executions.executionArnOf(stored!.workflow?.executionName ?? ticket.id);
      const first = deps.executions.executionArnOf(ticket.id);
      while (next && views.length < MAX_EXECUTIONS && !names.has(next)) {
        names.add(next);
        const view = await readExecution(next, options.withData);
        if (!view) break;
        views.push(view.view);
        next = view.startedBy;
        // A restart by the reconciler names no parent: the ticket's first execution is the origin.
        if (!next && !names.has(first)) next = first;
      }
      return {
        ticketId: ticket.id,
        /** The desk's zone, for showing the steps' times as the desk reads its clocks. */
        timeZone: findPolicyPack(ticket.desk)?.timeZone ?? 'UTC',
        now: deps.clock.now().toISOString(),
        executions: views.reverse(),
      };
    },
  };

  async function readExecution(executionArn: string, withData: boolean) {
    const summary = await deps.executions.describe(executionArn);
    if (!summary) return undefined;
    const history = await deps.executions.history(executionArn, { maxEvents: MAX_HISTORY_EVENTS });
    const view: ExecutionView = {
      name: summary.name,
      executionArn,
      status: summary.status,
      startedAt: summary.startDate,
      stoppedAt: summary.stopDate,
      consoleUrl: consoleUrlOf(executionArn),
      steps: executionSteps(history.events, withData),
      truncated: history.truncated,
    };
    return { view, startedBy: summary.startedBy };
  }
}

export type OpsService = ReturnType<typeof opsService>;
