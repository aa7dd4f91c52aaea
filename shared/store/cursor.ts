import { DomainError } from '../errors/domain-error.ts';

/** Opaque pagination cursor: DynamoDB's LastEvaluatedKey, base64url-encoded. */
export function encodeCursor(lastEvaluatedKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastEvaluatedKey)).toString('base64url');
}

/**
 * Decodes a cursor and checks it belongs to the partition being read, so a cursor can neither
 * crash the query nor point it at another desk or requester.
 */
export function decodeCursor(
  cursor: string,
  partitionAttribute: string,
  partition: string,
): Record<string, unknown> {
  const invalid = () =>
    DomainError.validation([{ pointer: '?cursor', detail: 'not a cursor from this listing' }]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  const key = decoded as Record<string, unknown>;
  const allStrings = Object.values(key).every((v) => typeof v === 'string');
  if (!allStrings || key[partitionAttribute] !== partition || Object.keys(key).length > 4) throw invalid();
  return key;
}
