/** What the ops views read, implemented by shared/store. */
import type { Status } from '../tickets/model.ts';
import type { TicketRecord } from '../tickets/ports.ts';

/** Where a listing stopped: per status, the last index sort key returned. */
export type QueuePosition = Partial<Record<Status, string>>;

export interface QueuePage {
  records: TicketRecord[];
  /** null when every status ran out. */
  next: QueuePosition | null;
}

export interface QueueReads {
  /** Up to `limit` unresolved tickets in `statuses`, soonest checkpoint first, after `from`. */
  pageUnresolved(
    desk: string,
    statuses: readonly Status[],
    limit: number,
    from: QueuePosition | undefined,
  ): Promise<QueuePage>;
  /** Creation instant and status of every unresolved ticket (the KPI backlog), read to the end. */
  backlog(desk: string): Promise<Array<{ createdAt: string; status: Status }>>;
}
