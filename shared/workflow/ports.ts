import type { OutboundMail } from '../notices/outbound.ts';
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
}

export interface WorkflowDue {
  desk: string;
  ticketId: string;
  since: string;
}

/** The sleeping workflow's task token, stored unless the ticket changed since the workflow looked. */
export interface WorkflowParking {
  /** Stores the sleeping step's task token unless the ticket changed since `seenVersion`. */
  parkWorkflow(
    desk: string,
    ticketId: string,
    park: { taskToken: string; seenVersion: number; until: string },
  ): Promise<boolean>;
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
