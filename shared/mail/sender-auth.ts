import { domainOfAddress, normalizeDomain, relaxedAligned } from './org-domain.ts';

/**
 * Is the mail's From address proven? SES's receipt verdicts say whether SPF passed for the envelope
 * sender (MAIL FROM) and whether a DKIM signature verified, not *whose* domain that was; a pass
 * proves the From header only when its domain is aligned with the From domain (DMARC, RFC 7489,
 * relaxed alignment: the same organisational domain). So:
 *
 *  - DMARC PASS (SES evaluated the From domain's policy and an aligned SPF or DKIM passed) → proven;
 *  - SPF PASS and the envelope sender's domain aligned with the From domain → proven;
 *  - DKIM PASS and every DKIM-Signature's `d=` aligned with the From domain → proven. SES's verdict
 *    does not say which signature verified, so one unaligned signature (the sender's own, passing)
 *    beside an aligned forged one must not count;
 *  - anything else (FAIL, GRAY, PROCESSING_FAILED, passes for another domain) → not proven.
 *
 * Pure: the verdicts and headers come from the SES notification, the From address from the parsed mail.
 */
export interface SenderVerdicts {
  spf?: string | undefined;
  dkim?: string | undefined;
  dmarc?: string | undefined;
}

export interface SenderEvidence {
  /** The parsed From address (one address; mail with none or several is never proven). */
  from: string;
  /** Envelope sender (SES `mail.source`, the SMTP MAIL FROM); empty for a null sender. */
  envelopeSender: string;
  verdicts: SenderVerdicts;
  /** The mail's headers as SES lists them (`mail.headers`); DKIM-Signature is read from them. */
  headers: ReadonlyArray<{ name: string; value: string }>;
}

export interface SenderAuthentication {
  authenticated: boolean;
  /** Which aligned check proved it, or why none did (recorded with the mail). */
  via?: 'dmarc' | 'spf' | 'dkim';
  reason: string;
  fromDomain: string | undefined;
  spfDomain: string | undefined;
  dkimDomains: string[];
  verdicts: { spf: string; dkim: string; dmarc: string };
}

const status = (v: string | undefined) => (v ?? 'GRAY').toUpperCase();

/** The `d=` tag of each DKIM-Signature header, normalised (empty for signatures without one). */
export function dkimSigningDomains(headers: ReadonlyArray<{ name: string; value: string }>): string[] {
  return headers
    .filter((h) => h.name.trim().toLowerCase() === 'dkim-signature')
    .map((h) => {
      const tag = h.value
        .split(';')
        .map((t) => t.replace(/\s+/g, ''))
        .find((t) => t.toLowerCase().startsWith('d='));
      return tag ? (normalizeDomain(tag.slice(2)) ?? '') : '';
    });
}

export function authenticateSender(evidence: SenderEvidence): SenderAuthentication {
  const verdicts = {
    spf: status(evidence.verdicts.spf),
    dkim: status(evidence.verdicts.dkim),
    dmarc: status(evidence.verdicts.dmarc),
  };
  const fromDomain = domainOfAddress(evidence.from);
  const spfDomain = evidence.envelopeSender ? domainOfAddress(evidence.envelopeSender) : undefined;
  const dkimDomains = dkimSigningDomains(evidence.headers);
  const base = { fromDomain, spfDomain, dkimDomains, verdicts };
  if (!fromDomain) return { ...base, authenticated: false, reason: 'no usable From domain' };
  if (verdicts.dmarc === 'PASS') {
    return { ...base, authenticated: true, via: 'dmarc', reason: `DMARC PASS for ${fromDomain}` };
  }
  if (verdicts.spf === 'PASS' && spfDomain && relaxedAligned(spfDomain, fromDomain)) {
    return {
      ...base,
      authenticated: true,
      via: 'spf',
      reason: `SPF PASS for ${spfDomain}, aligned with ${fromDomain}`,
    };
  }
  if (
    verdicts.dkim === 'PASS' &&
    dkimDomains.length > 0 &&
    dkimDomains.every((d) => d !== '' && relaxedAligned(d, fromDomain))
  ) {
    return {
      ...base,
      authenticated: true,
      via: 'dkim',
      reason: `DKIM PASS for ${dkimDomains.join(', ')}, aligned with ${fromDomain}`,
    };
  }
  const why: string[] = [`DMARC ${verdicts.dmarc}`];
  why.push(
    verdicts.spf === 'PASS'
      ? `SPF PASS for ${spfDomain ?? 'the null sender'}, not aligned with ${fromDomain}`
      : `SPF ${verdicts.spf}`,
  );
  why.push(
    verdicts.dkim === 'PASS'
      ? `DKIM PASS but signed by ${dkimDomains.filter(Boolean).join(', ') || 'no readable domain'}, not (only) ${fromDomain}`
      : `DKIM ${verdicts.dkim}`,
  );
  return { ...base, authenticated: false, reason: `sender not authenticated: ${why.join('; ')}` };
}
