import type { Channel, Priority, Status } from './model.ts';

/**
 * What happened to a ticket, in order. It is stored on the ticket item and written in the same
 * conditional update as the change it records, so it can never disagree with the ticket. It is
 * the input of the SLA engine: replaying it gives every clock's state at any instant.
 */
export type TicketActivity = { at: string; by: string } & (
  | {
      type: 'ticket-created';
      priority: Priority;
      /** The customer's stated priority, when above what their plan may open (kept for triage). */
      requestedPriority?: Priority;
      plan: string;
      channel: Channel;
      status: Status;
    }
  | { type: 'customer-message'; messageId: string }
  | {
      type: 'agent-reply';
      visibility: 'public' | 'internal';
      messageId: string;
      /** Agent time spent on this update, as recorded by the agent (feeds average handle time). */
      timeSpentSeconds?: number;
    }
  | { type: 'status-changed'; from: Status; to: Status; reason?: string }
  | { type: 'priority-changed'; from: Priority; to: Priority; reason?: string }
  | { type: 'plan-changed'; from: string; to: string; reason?: string }
  | {
      type: 'tier-changed';
      from: number;
      to: number;
      /** Set when the SLA workflow made the change: the escalation action it applied. */
      actionId?: string;
      /** Set when staff loosened the promise and the pack asks for a reason. */
      reason?: string;
    }
  | {
      type: 'assignee-changed';
      from: string | null;
      to: string | null;
      /** The new assignee was on call when assigned (feeds a pack's on-call assignment target). */
      onCall?: boolean;
    }
);

export type TicketActivityType = TicketActivity['type'];
