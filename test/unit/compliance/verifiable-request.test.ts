import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import {
  type BillingAppeal,
  openAppeal,
  resendAppealCode,
  verifyAppealIdentity,
} from '#shared/compliance/billing-appeal.ts';
import { requestIdFor } from '#shared/compliance/verifiable-request.ts';
import { DomainError } from '#shared/errors/domain-error.ts';
import type { IdempotencyClaim, IdempotencyStore } from '#shared/idempotency/ports.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';

const rch = getPolicyPack('rch-spyfocus');
const customer = { id: 'cust-1', role: 'customer' as const };
const lead = { id: 'lead-1', role: 'lead' as const };
const at = new Date('2030-05-22T17:00:00Z');

function appeal(): BillingAppeal {
  return openAppeal({
    id: '01J000000000000000000APPEL',
    desk: rch.id,
    pack: rch,
    requester: { id: 'cust-1', email: 'bo@example.com', name: 'Bo' },
    filedBy: customer,
    body: { summary: 'Charged twice', invoiceId: 'INV-77', transactionIds: ['tx-1'] },
    now: new Date('2030-05-22T16:00:00Z'),
    code: '87654321',
    salt: 'salt',
  });
}

/** The idempotency port as the store keeps it: the first claim of a key wins. */
function memoryIdempotency(): IdempotencyStore {
  const claims = new Map<string, IdempotencyClaim>();
  return {
    async claimIdempotencyKey(claim) {
      const key = `${claim.desk}|${claim.principalId}|${claim.scope}|${claim.key}`;
      const first = claims.get(key);
      if (!first) {
        claims.set(key, claim);
        return { kind: 'claimed' };
      }
      return first.requestHash === claim.requestHash
        ? { kind: 'replay', resourceId: first.resourceId }
        : { kind: 'mismatch' };
    },
  };
}

describe('verifiable requests: one create and one identity check for DSARs and billing appeals', () => {
  it('a retried create gets the first id, another request under the same key is refused', async () => {
    const idempotency = memoryIdempotency();
    const principal = { id: 'cust-1', desk: 'rch-spyfocus' } as Principal;
    const idem = { key: 'k-1', requestHash: 'h-1' };
    const first = await requestIdFor(idempotency, principal, 'create-dsar', idem, at);
    const retried = await requestIdFor(
      idempotency,
      principal,
      'create-dsar',
      idem,
      new Date(at.getTime() + 5),
    );
    expect(retried).toBe(first);
    await expect(
      requestIdFor(idempotency, principal, 'create-dsar', { key: 'k-1', requestHash: 'h-2' }, at),
    ).rejects.toBeInstanceOf(DomainError);
    // Another scope (an appeal) under the same key is a request of its own.
    expect(await requestIdFor(idempotency, principal, 'create-billing-appeal', idem, at)).not.toBe(first);
  });

  it('an appeal attested by a lead records how, as a DSAR does', () => {
    const attested = verifyAppealIdentity(
      appeal(),
      { attestation: { method: 'call-back', note: 'Called the number on file' } },
      lead,
      at,
    );
    expect(attested.verified).toBe(true);
    expect(attested.appeal.history.at(-1)).toMatchObject({
      action: 'billing-appeal.identity-verified',
      details: { method: 'staff-attestation', attestation: 'call-back' },
    });
    expect(attested.appeal.notices.every((n) => !('code' in n.params) || n.params.code === null)).toBe(true);
  });

  it('the fifth wrong code locks the appeal check and says so in its history', () => {
    let current = appeal();
    for (let i = 0; i < 5; i++)
      current = verifyAppealIdentity(current, { code: '00000000' }, customer, at).appeal;
    expect(current.identity).toMatchObject({ status: 'locked', required: true });
    expect(current.history.at(-1)).toMatchObject({
      action: 'billing-appeal.verification-failed',
      details: { reason: 'wrong-code', attempts: 5, locked: true },
    });
    expect(verifyAppealIdentity(current, { code: '87654321' }, customer, at).reason).toBe('locked');
  });

  it('a re-sent code replaces the old one and keeps the appeal check required', () => {
    const resent = resendAppealCode(appeal(), '11112222', 'salt-2', customer, at);
    expect(resent.identity.required).toBe(true);
    expect(resent.notices.at(-1)).toMatchObject({
      template: 'billing-identity-code',
      to: 'bo@example.com',
      params: { code: '11112222' },
    });
    expect(verifyAppealIdentity(resent, { code: '87654321' }, customer, at).verified).toBe(false);
    expect(verifyAppealIdentity(resent, { code: '11112222' }, customer, at).verified).toBe(true);
  });
});
