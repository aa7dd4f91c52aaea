import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { DomainError } from '#shared/errors/domain-error.ts';
import { findPolicyPack } from '#shared/policy/packs.ts';
import {
  consentState,
  decideConsent,
  liveConsentFor,
  privateClassOfAttachment,
  requestConsent,
} from '#shared/privacy/consent.ts';
import { consentPath, verifyConsentSignature } from '#shared/privacy/consent-link.ts';
import { surveySignature } from '#shared/survey/link.ts';

const policy = findPolicyPack('acentus')!.privacy!.consent!;
const at = (iso: string) => new Date(iso);
const staff = (role: Principal['role']): Principal => ({
  id: `acentus-${role}`,
  role,
  desk: 'acentus',
  email: undefined,
  name: undefined,
  plan: undefined,
  tier: undefined,
});
const ticket = { id: '01JAAAAAAAAAAAAAAAAAAAAAAA', desk: 'acentus' };
const ask = (role: Principal['role'] = 'agent', scope?: ('attachments' | 'screen-sharing')[]) =>
  requestConsent({
    policy,
    principal: staff(role),
    ticket,
    body: { reason: 'To read the attached log.', ...(scope ? { scope } : {}) },
    id: '01JBBBBBBBBBBBBBBBBBBBBBBB',
    now: at('2031-03-04T10:00:00Z'),
  });

describe('consent requests', () => {
  it('takes the pack’s default scope and answer window', () => {
    const consent = ask();
    expect(consent.scope).toEqual(['attachments', 'diagnostic-logs']);
    expect(consent.answerBy).toBe('2031-03-11T10:00:00.000Z'); // requestHours 168
    expect(consentState(consent, at('2031-03-05T00:00:00Z'))).toBe('requested');
    expect(consentState(consent, at('2031-03-11T10:00:00Z'))).toBe('unanswered');
  });

  it('refuses ops and apps, and classes the pack does not mark private', () => {
    expect(() => ask('ops')).toThrow(DomainError);
    expect(() => ask('app')).toThrow(DomainError);
    try {
      ask('agent', ['screen-sharing']);
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).errors?.[0]?.pointer).toBe('/scope/0');
    }
  });
});

describe('decisions', () => {
  it('a grant lasts grantHours on the clock passed in, and can be revoked', () => {
    const granted = decideConsent(ask(), 'grant', 'link', policy, at('2031-03-04T12:00:00Z'));
    expect(granted.expiresAt).toBe('2031-03-07T12:00:00.000Z'); // 72 hours
    expect(liveConsentFor([granted], 'attachments', at('2031-03-07T11:59:59Z'))?.id).toBe(granted.id);
    expect(liveConsentFor([granted], 'attachments', at('2031-03-07T12:00:00Z'))).toBeUndefined();
    expect(liveConsentFor([granted], 'call-recordings', at('2031-03-05T00:00:00Z'))).toBeUndefined();
    const revoked = decideConsent(granted, 'revoke', 'api', policy, at('2031-03-05T00:00:00Z'));
    expect(consentState(revoked, at('2031-03-05T00:00:01Z'))).toBe('revoked');
  });

  it('answers a request once, and not after its window', () => {
    const refused = decideConsent(ask(), 'refuse', 'api', policy, at('2031-03-04T12:00:00Z'));
    expect(consentState(refused, at('2031-03-04T12:00:00Z'))).toBe('refused');
    expect(() => decideConsent(refused, 'grant', 'api', policy, at('2031-03-04T12:01:00Z'))).toThrow(
      /already answered/,
    );
    expect(() => decideConsent(ask(), 'grant', 'api', policy, at('2031-03-12T00:00:00Z'))).toThrow(
      /could be answered until/,
    );
    expect(() => decideConsent(ask(), 'revoke', 'api', policy, at('2031-03-04T12:00:00Z'))).toThrow(
      /only a live grant/,
    );
  });

  it('maps filed attachment classes to private classes', () => {
    expect(privateClassOfAttachment('diagnostic-logs-compliance')).toBe('diagnostic-logs');
    expect(privateClassOfAttachment('call-recordings')).toBe('call-recordings');
    expect(privateClassOfAttachment('attachments')).toBe('attachments');
  });
});

describe('consent links', () => {
  const keys = { current: 'k'.repeat(40), previous: 'p'.repeat(40) };
  const ref = { desk: 'acentus', ticketId: ticket.id, consentId: '01JBBBBBBBBBBBBBBBBBBBBBBB' };
  const sigOf = (path: string) => new URL(path, 'https://x.example').searchParams.get('sig')!;

  it('verifies under the current and previous key until the expiry', () => {
    const sig = sigOf(consentPath(keys, ref, at('2031-03-11T10:00:00Z'), 'grant'));
    expect(verifyConsentSignature(keys, ref, sig, at('2031-03-05T00:00:00Z'))).toBe('valid');
    expect(
      verifyConsentSignature(
        { current: 'n'.repeat(40), previous: keys.current },
        ref,
        sig,
        at('2031-03-05T00:00:00Z'),
      ),
    ).toBe('valid');
    expect(verifyConsentSignature(keys, ref, sig, at('2031-03-11T10:00:00Z'))).toBe('expired');
    expect(
      verifyConsentSignature(
        keys,
        { ...ref, consentId: '01JCCCCCCCCCCCCCCCCCCCCCCC' },
        sig,
        at('2031-03-05T00:00:00Z'),
      ),
    ).toBe('invalid');
  });

  it('a survey signature never opens a consent page (each MAC names its purpose)', () => {
    const survey = surveySignature(keys, 'acentus', ticket.id, at('2031-03-11T10:00:00Z'));
    expect(verifyConsentSignature(keys, ref, survey, at('2031-03-05T00:00:00Z'))).toBe('invalid');
  });
});
