import type { Channel, Priority, Status } from './model.ts';

/**
 * What happened to a ticket, in order. The latest change's entries are written on the ticket item in
 * the same conditional update as the change they record, so they can never disagree with the ticket;
 * the next change moves them to items of their own in the ticket's partition (see
 * `activityFromItems`). It is the input of the SLA engine: replaying it gives every clock's state at
 * any instant.
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

/**
 * The whole activity of a ticket from its partition's items. The ticket item holds the entries not yet
 * moved out (`activity`, numbered from `activityStart`; a ticket written before activity items existed
 * has them all and no `activityStart`); earlier entries are items of kind `activity`, one per entry,
 * numbered by `seq`. Items numbered from `activityStart` on are ignored: the ticket item is the
 * commit point, and an item written by a change that lost its commit is copied over by the next one.
 */
export function activityFromItems(
  ticketItem: Record<string, unknown>,
  items: readonly Record<string, unknown>[],
): TicketActivity[] {
  const start = activityStartOf(ticketItem);
  const moved = items
    .filter((i) => i.kind === ACTIVITY_ITEM_KIND && typeof i.seq === 'number' && i.seq < start)
    .sort((a, b) => (a.seq as number) - (b.seq as number))
    .map((i) => i.entry as TicketActivity);
  return [...moved, ...((ticketItem.activity ?? []) as TicketActivity[])];
}

/** Kind of the items that hold one activity entry each (attributes `seq`, `entry`). */
export const ACTIVITY_ITEM_KIND = 'activity';

/** Number of the first entry still on the ticket item (0: all of them, as before activity items). */
export function activityStartOf(ticketItem: Record<string, unknown>): number {
  return typeof ticketItem.activityStart === 'number' ? ticketItem.activityStart : 0;
}
