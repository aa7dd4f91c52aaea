/**
 * A retried request finds the first attempt's result instead of repeating it: tickets, compliance
 * requests and incidents created under an Idempotency-Key (or a mail's Message-ID) claim the key once.
 */
export interface IdempotencyClaim {
  desk: string;
  principalId: string;
  scope: string;
  key: string;
  requestHash: string;
  resourceId: string;
  at: string;
}

export type IdempotencyOutcome =
  | { kind: 'claimed' }
  | { kind: 'replay'; resourceId: string }
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  /** The first claim of a key wins; a later one with the same request replays it, another is a mismatch. */
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyOutcome>;
}
