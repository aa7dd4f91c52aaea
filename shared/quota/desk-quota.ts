import type { Principal } from '../auth/principal.ts';
import type { TokenVerifier } from '../auth/verify-token.ts';
import { DomainError } from '../errors/domain-error.ts';
import {
  type DynamoDBDocumentClient,
  isConditionalCheckFailed,
  UpdateCommand,
} from '../runtime/aws/dynamodb.ts';

/**
 * Per-desk request quotas, shared by every Lambda instance: one atomic DynamoDB counter per desk (and per
 * app client) per wall-clock second. API Gateway's throttles are per stage and route, for all callers
 * together, so without this one desk's traffic (or one leaked app secret) could use up every desk's share.
 * The counter is charged after the token is verified: requests with a bad token never touch a desk's budget.
 */
export interface DeskQuota {
  /** Requests per second for a whole desk (staff, customers and apps together). */
  readonly perDesk: number;
  /** Requests per second for one app client (`role: app`, keyed by its `sub`) of a desk. */
  readonly perAppClient: number;
}

/** Counts one request against `key` in the second `epochSecond`; false if that would exceed `limit`. */
export interface QuotaCounter {
  take(key: string, epochSecond: number, limit: number): Promise<boolean>;
}

/** Counter items live for a minute past their second (the table's TTL attribute deletes them). */
const COUNTER_LIFETIME_SECONDS = 60;

/**
 * The counter as one conditional `UpdateItem` (ADD 1 unless the count reached the limit): atomic across
 * instances, one write request unit per call, no read. The partition key changes every second, so one
 * desk's counter never stays on a hot partition.
 */
export function dynamoQuotaCounter(doc: DynamoDBDocumentClient, tableName: string): QuotaCounter {
  return {
    async take(key, epochSecond, limit) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `QUOTA#${key}#${epochSecond}`, sk: 'QUOTA' },
            UpdateExpression: 'ADD #n :one SET ttlEpochSeconds = if_not_exists(ttlEpochSeconds, :expires)',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
            ExpressionAttributeNames: { '#n': 'requests' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              ':expires': epochSecond + COUNTER_LIFETIME_SECONDS,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}

export function quotaExceeded(scope: 'desk' | 'app client'): DomainError {
  return new DomainError(
    'rate-limited',
    scope === 'desk'
      ? 'This desk sent more requests this second than its quota allows; retry after the Retry-After delay.'
      : 'This app client sent more requests this second than its quota allows; retry after the Retry-After delay.',
  );
}

/**
 * Charges a verified principal's request to its app client (apps only) and to its desk; throws a 429
 * DomainError (`rate-limited`, answered 429 with Retry-After) when either is over quota. `nowMs` is the real wall clock (quotas are not part of the
 * simulated world the local virtual clock drives).
 */
export async function chargeDeskQuota(
  principal: Principal,
  deps: { counter: QuotaCounter; quota: DeskQuota; nowMs: () => number },
): Promise<void> {
  const second = Math.floor(deps.nowMs() / 1000);
  if (principal.role === 'app') {
    const key = `${principal.desk}#APP#${principal.id}`;
    if (!(await deps.counter.take(key, second, deps.quota.perAppClient))) throw quotaExceeded('app client');
  }
  if (!(await deps.counter.take(principal.desk, second, deps.quota.perDesk))) throw quotaExceeded('desk');
}

/** A verifier that also charges the desk quota: verification throws first, so bad tokens cost no quota. */
export function withDeskQuota(
  verify: TokenVerifier,
  deps: { counter: QuotaCounter; quota: DeskQuota; nowMs: () => number },
): TokenVerifier {
  return async (authorization) => {
    const principal = await verify(authorization);
    await chargeDeskQuota(principal, deps);
    return principal;
  };
}
