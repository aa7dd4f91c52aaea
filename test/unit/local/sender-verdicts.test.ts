import { describe, expect, it } from 'vitest';
import { authenticatedDomainsFromEnv, localSenderVerdicts } from '#local/mail/sender-verdicts.ts';
import { authenticateSender } from '#shared/mail/sender-auth.ts';

const table = ['example.com', 'example.org'];

describe('local SES sender verdicts', () => {
  it('a table domain sending as itself passes SPF, DKIM (signed d=) and DMARC, which the product accepts', () => {
    const v = localSenderVerdicts({
      authenticatedDomains: table,
      envelopeSender: 'bounce@mail.example.com',
      from: 'pat@example.com',
      hasDkimSignature: false,
    });
    expect(v).toMatchObject({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', dmarcPolicy: 'NONE' });
    expect(v.dkimSignature?.value).toContain('d=mail.example.com;');
    const auth = authenticateSender({
      from: 'pat@example.com',
      envelopeSender: 'bounce@mail.example.com',
      verdicts: v,
      headers: [v.dkimSignature!],
    });
    expect(auth.authenticated).toBe(true);
  });

  it('a forged From at a table domain fails DMARC (policy none); the product does not accept it', () => {
    const v = localSenderVerdicts({
      authenticatedDomains: table,
      envelopeSender: 'mallory@evil.test',
      from: 'pat@example.com',
      hasDkimSignature: false,
    });
    expect(v).toEqual({ spf: 'GRAY', dkim: 'GRAY', dmarc: 'FAIL', dmarcPolicy: 'NONE' });
    expect(
      authenticateSender({
        from: 'pat@example.com',
        envelopeSender: 'mallory@evil.test',
        verdicts: v,
        headers: [],
      }).authenticated,
    ).toBe(false);
  });

  it('a table domain vouching for another From is a pass for the wrong domain', () => {
    const v = localSenderVerdicts({
      authenticatedDomains: table,
      envelopeSender: 'x@example.org',
      from: 'ceo@elsewhere.test',
      hasDkimSignature: true,
    });
    expect(v).toMatchObject({ spf: 'PASS', dkim: 'PASS', dmarc: 'GRAY' });
    expect(
      authenticateSender({
        from: 'ceo@elsewhere.test',
        envelopeSender: 'x@example.org',
        verdicts: v,
        headers: [v.dkimSignature!],
      }).authenticated,
    ).toBe(false);
  });

  it('unknown domains get GRAY, unverifiable signatures FAIL', () => {
    expect(
      localSenderVerdicts({
        authenticatedDomains: table,
        envelopeSender: 'a@b.test',
        from: 'a@b.test',
        hasDkimSignature: true,
      }),
    ).toEqual({ spf: 'GRAY', dkim: 'FAIL', dmarc: 'GRAY' });
  });

  it('the table comes from LOCAL_AUTHENTICATED_MAIL_DOMAINS (empty: none), else the defaults', () => {
    expect(authenticatedDomainsFromEnv(undefined)).toEqual(['example.com', 'example.org']);
    expect(authenticatedDomainsFromEnv('')).toEqual([]);
    expect(authenticatedDomainsFromEnv(' Customer.Example , bücher.example')).toEqual([
      'customer.example',
      'xn--bcher-kva.example',
    ]);
  });
});
