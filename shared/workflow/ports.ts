import type { TicketShareWrite } from '../kpis/recorder.ts';
import type { OutboxPointer } from '../mail/ports.ts';
import type { OutboundMail, OutboundOutcome } from '../notices/outbound.ts';
import type { TicketActivity } from '../tickets/activity.ts';
import type { Status, Ticket } from '../tickets/model.ts';
import type { SlaActionRecord } from './model.ts';

/** What the SLA workflow writes after applying due actions (see shared/workflow/check-ticket-sla.ts). */
export interface SlaProgress {
  expectedVersion: number;
  /** The ticket after the workflow's own changes (an escalation raises the tier and the version). */
  ticket: Ticket;
  newActivity: TicketActivity[];
  newActions: SlaActionRecord[];
  /** Mail the applied actions send (notices), queued in the same write so each is sent once. */
  newOutbound?: OutboundMail[];
  nextCheckpoint: string | null;
  /** When the workflow will look again (the checkpoint, or its longest sleep); null once closed. */
  wakeAt?: string | null;
  packVersion: string;
  executionName: string;
  executionStartedAt: string;
  /**
   * Pending entries already in the outbox that this write takes for a send (a lease until `until`,
   * real time), on condition that no other sender holds them. New entries come claimed already.
   */
  claim?: {
    entries: Array<{ index: number; id: string }>;
    leaseNow: string;
    until: string;
    /** Length of the outbox as read (new entries are appended after it). */
    outboxLength: number;
  };
  /** Set when mail stays pending after this write: the ticket is listed for the mail sweep from then. */
  mailPendingSince?: string | undefined;
  /** The ticket's new KPI share and its change, when the ticket's share changed (see shared/kpis/recorder.ts). */
  kpi?: TicketShareWrite | undefined;
}

/**
 * The Apply step's progress when the park writes it (one ticket write per wake): what
 * `recordSlaProgress` would write, without the ticket's own content (it travels through the execution
 * history). Written with the task token, on condition the ticket is still at the version the step read.
 */
export interface ParkProgress {
  /** The version after the step's own change (an escalation raises it); the write holds on `seenVersion`. */
  version: number;
  /** Set when the step escalated: the new tier and when. */
  escalated?: { tier: number; at: string } | undefined;
  newActivity: TicketActivity[];
  newActions: SlaActionRecord[];
  nextCheckpoint: string | null;
  wakeAt: string;
  packVersion: string;
  executionName: string;
  executionStartedAt: string;
  /** Set when mail stays pending after the step's sends: the ticket is listed for the mail sweep. */
  mailPendingSince?: string | undefined;
  /** The ticket's new KPI share and its change; the park adds the change to the days after its write. */
  kpi?: TicketShareWrite | undefined;
}

/** The outcome of sends to record with the park (one write), and whether nothing stays pending. */
export interface MailRecord {
  outcomes: OutboundOutcome[];
  /** Length of the outbox the outcomes were decided on; the sweep listing is dropped only if it is unchanged. */
  outboxLength: number;
  settled: boolean;
}

export interface WorkflowDue {
  desk: string;
  ticketId: string;
  since: string;
}

/** The sleeping workflow's task token, stored unless the ticket changed since the workflow looked. */
export interface WorkflowParking {
  /**
   * Stores the sleeping step's task token unless the ticket changed since `seenVersion`; with `progress`,
   * in the same write as the Apply step's progress (then `seenVersion` is the version that step read).
   */
  parkWorkflow(
    desk: string,
    ticketId: string,
    park: {
      taskToken: string;
      seenVersion: number;
      until: string;
      mail?: MailRecord | undefined;
      progress?: ParkProgress | undefined;
    },
  ): Promise<boolean>;
  /** Records send outcomes; drops the ticket from the mail sweep's list when settled and unchanged. */
  recordMailOutcome(desk: string, ticketId: string, mail: MailRecord): Promise<void>;
}

/** What the SLA workflow and the reconciler write and list of tickets, besides reading them. */
export interface WorkflowTicketStore extends WorkflowParking {
  /** The workflow's write: applied actions, escalation, next checkpoint; clears the due marker. */
  recordSlaProgress(progress: SlaProgress): Promise<void>;
  /** Tickets whose workflow has not seen their latest change since before `before`. */
  listWorkflowDue(desk: string, before: string, limit: number): Promise<WorkflowDue[]>;
  /** Tickets in `status` whose next SLA checkpoint is before `before` (byDeskStatusDue). */
  listOverdueCheckpoints(desk: string, status: Status, before: string, limit: number): Promise<WorkflowDue[]>;
}

/**
 * Paged reads for the minute sweeps (workflow reconciler, outbound mail): each returns a page and where to
 * continue, so a sweep works through a whole backlog instead of its first 100 items.
 */
export type PageKey = Record<string, unknown>;
export interface Page<T> {
  items: T[];
  /** Where the next page starts; undefined at the end. */
  next: PageKey | undefined;
}
export interface DueTicket {
  ticketId: string;
  since: string;
}

export interface SweepPages {
  /** Tickets whose workflow has not seen their latest change since before `before`. */
  workflowDue(
    desk: string,
    before: string,
    from: PageKey | undefined,
    limit: number,
  ): Promise<Page<DueTicket>>;
  /** Tickets in `status` whose workflow checkpoint passed before `before`. */
  overdueCheckpoints(
    desk: string,
    status: string,
    before: string,
    from: PageKey | undefined,
    limit: number,
  ): Promise<Page<DueTicket>>;
  /** Tickets listed with mail pending since before `before` (the Apply step's own listing). */
  mailPending(
    desk: string,
    before: string,
    from: PageKey | undefined,
    limit: number,
  ): Promise<Page<DueTicket>>;
  /** The desk's outbox notes, written by earlier versions before each mail-queuing write. */
  outbox(desk: string, from: PageKey | undefined, limit: number): Promise<Page<OutboxPointer>>;
  /** How many items a `workflowDue` listing would return in all (keys only, paged to the end). */
  countWorkflowDue(desk: string, before: string): Promise<number>;
}
