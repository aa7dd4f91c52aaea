/** The queue's cursor: per open status, the last index sort key a page returned. */
import { DomainError } from '../errors/domain-error.ts';
import { UNRESOLVED_STATUSES } from '../tickets/model.ts';
import type { QueuePosition } from './ports.ts';

export function encodeQueuePosition(position: QueuePosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** A cursor only ever bounds sort keys inside the caller's own desk partitions; anything else is refused. */
export function decodeQueuePosition(cursor: string): QueuePosition {
  let entries: Array<[string, unknown]> = [];
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (decoded && typeof decoded === 'object' && !Array.isArray(decoded)) entries = Object.entries(decoded);
  } catch {
    // not JSON: refused below
  }
  const valid = ([status, sortKey]: [string, unknown]) =>
    (UNRESOLVED_STATUSES as readonly string[]).includes(status) &&
    typeof sortKey === 'string' &&
    sortKey.length < 200;
  if (entries.length === 0 || !entries.every(valid)) {
    throw DomainError.validation([{ pointer: '?cursor', detail: 'not a cursor from this listing' }]);
  }
  return Object.fromEntries(entries) as QueuePosition;
}
