import { INDEX_CLASS } from '../compliance/data-classes.ts';
import type { IdempotencyStore } from '../idempotency/ports.ts';
import type { DynamoDBDocumentClient } from '../runtime/aws/dynamodb.ts';
import { claimOnceOrExisting } from './conditional-put.ts';
import { byClass, keys } from './table-keys.ts';

export function dynamoIdempotencyStore(doc: DynamoDBDocumentClient, tableName: string): IdempotencyStore {
  return {
    async claimIdempotencyKey(claim) {
      const outcome = await claimOnceOrExisting(doc, tableName, {
        ...keys.idempotency(claim.desk, claim.principalId, claim.scope, claim.key),
        kind: 'idempotency',
        requestHash: claim.requestHash,
        resourceId: claim.resourceId,
        createdAt: claim.at,
        // Purged after a month (product retention default), so keys do not pile up forever.
        ...byClass(claim.desk, INDEX_CLASS.idempotencyKey, `${claim.at}#${claim.principalId}#${claim.key}`),
      });
      if (outcome.claimed) return { kind: 'claimed' };
      return outcome.existing.requestHash === claim.requestHash
        ? { kind: 'replay', resourceId: outcome.existing.resourceId as string }
        : { kind: 'mismatch' };
    },
  };
}
