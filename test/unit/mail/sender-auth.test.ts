import { describe, expect, it } from 'vitest';
import { organizationalDomain, relaxedAligned } from '#shared/mail/org-domain.ts';
import { authenticateSender, dkimSigningDomains } from '#shared/mail/sender-auth.ts';

const dkim = (d: string) => ({
  name: 'DKIM-Signature',
  value: `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${d}; s=s1; h=from:to; bh=x; b=y`,
});
const gray = { spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' };

describe('organisational domains', () => {
  it.each([
    ['example.com', 'example.com'],
    ['mail.support.example.com', 'example.com'],
    ['shop.example.co.uk', 'example.co.uk'],
    ['example.co.uk', 'example.co.uk'],
    ['co.uk', 'co.uk'],
    ['a.b.example.com.au', 'example.com.au'],
    ['x.example.com.ar', 'example.com.ar'],
    ['contoso.onmicrosoft.com', 'contoso.onmicrosoft.com'],
    ['MAIL.Example.COM.', 'example.com'],
    ['mail.bücher.example', 'xn--bcher-kva.example'],
  ])('%s → %s', (host, org) => {
    expect(organizationalDomain(host)).toBe(org);
  });

  it('aligns sub-domains of one organisation, not neighbours under a public suffix', () => {
    expect(relaxedAligned('bounce.example.com', 'Example.com')).toBe(true);
    expect(relaxedAligned('a.example.co.uk', 'b.example.co.uk')).toBe(true);
    expect(relaxedAligned('evil.co.uk', 'example.co.uk')).toBe(false);
    expect(relaxedAligned('co.uk', 'co.uk')).toBe(false);
    expect(relaxedAligned('evil.onmicrosoft.com', 'contoso.onmicrosoft.com')).toBe(false);
    expect(relaxedAligned('example.com', 'example.net')).toBe(false);
    expect(relaxedAligned('xn--bcher-kva.example', 'mail.BÜCHER.example')).toBe(true);
  });
});

describe('sender authentication (aligned, DMARC semantics)', () => {
  const from = 'pat@example.com';

  it('a DMARC PASS proves the From address', () => {
    const r = authenticateSender({
      from,
      envelopeSender: '',
      verdicts: { ...gray, dmarc: 'PASS' },
      headers: [],
    });
    expect(r).toMatchObject({ authenticated: true, via: 'dmarc' });
  });

  it('an SPF PASS counts only when the envelope domain aligns', () => {
    const aligned = authenticateSender({
      from,
      envelopeSender: 'bounces@mail.example.com',
      verdicts: { ...gray, spf: 'PASS' },
      headers: [],
    });
    expect(aligned).toMatchObject({ authenticated: true, via: 'spf' });
    const unaligned = authenticateSender({
      from,
      envelopeSender: 'attacker@evil.test',
      verdicts: { ...gray, spf: 'PASS' },
      headers: [],
    });
    expect(unaligned.authenticated).toBe(false);
    expect(unaligned.reason).toContain('not aligned');
    const nullSender = authenticateSender({
      from,
      envelopeSender: '',
      verdicts: { ...gray, spf: 'PASS' },
      headers: [],
    });
    expect(nullSender.authenticated).toBe(false);
  });

  it('a DKIM PASS counts only when every signature is aligned', () => {
    const ok = authenticateSender({
      from,
      envelopeSender: 'x@evil.test',
      verdicts: { ...gray, dkim: 'PASS' },
      headers: [dkim('mail.Example.com')],
    });
    expect(ok).toMatchObject({ authenticated: true, via: 'dkim' });
    const other = authenticateSender({
      from,
      envelopeSender: '',
      verdicts: { ...gray, dkim: 'PASS' },
      headers: [dkim('evil.test')],
    });
    expect(other.authenticated).toBe(false);
    // The attacker's own passing signature next to a forged one for the victim's domain.
    const mixed = authenticateSender({
      from,
      envelopeSender: '',
      verdicts: { ...gray, dkim: 'PASS' },
      headers: [dkim('evil.test'), dkim('example.com')],
    });
    expect(mixed.authenticated).toBe(false);
    const none = authenticateSender({
      from,
      envelopeSender: '',
      verdicts: { ...gray, dkim: 'PASS' },
      headers: [],
    });
    expect(none.authenticated).toBe(false);
  });

  it('co.uk neighbours do not align; sub-domains under co.uk do', () => {
    const neighbour = authenticateSender({
      from: 'ceo@bank.co.uk',
      envelopeSender: 'x@evil.co.uk',
      verdicts: { ...gray, spf: 'PASS' },
      headers: [dkim('evil.co.uk')],
    });
    expect(neighbour.authenticated).toBe(false);
    const sub = authenticateSender({
      from: 'ceo@bank.co.uk',
      envelopeSender: 'bounce@mx.bank.co.uk',
      verdicts: { ...gray, spf: 'PASS' },
      headers: [],
    });
    expect(sub.authenticated).toBe(true);
  });

  it('is case-insensitive and compares IDNs as A-labels', () => {
    const r = authenticateSender({
      from: 'kunde@Bücher.example',
      envelopeSender: '',
      verdicts: { spf: 'fail', dkim: 'pass', dmarc: 'gray' },
      headers: [dkim('XN--BCHER-KVA.EXAMPLE')],
    });
    expect(r).toMatchObject({ authenticated: true, via: 'dkim', fromDomain: 'xn--bcher-kva.example' });
  });

  it('GRAY and FAIL everywhere prove nothing, and say why', () => {
    const r = authenticateSender({
      from,
      envelopeSender: 'pat@example.com',
      verdicts: { spf: 'FAIL', dkim: 'GRAY' },
      headers: [],
    });
    expect(r.authenticated).toBe(false);
    expect(r.reason).toBe('sender not authenticated: DMARC GRAY; SPF FAIL; DKIM GRAY');
  });

  it('reads d= from folded DKIM-Signature values', () => {
    expect(
      dkimSigningDomains([{ name: 'dkim-signature', value: 'v=1; a=rsa-sha256;\r\n\td=Example.org; s=k' }]),
    ).toEqual(['example.org']);
  });
});
