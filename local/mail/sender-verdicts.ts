import { domainOfAddress, normalizeDomain, relaxedAligned } from '#shared/mail/org-domain.ts';

/**
 * What SES's SPF, DKIM and DMARC checks would say, from what the local SMTP port can know. There is
 * no DNS and every client connects from 127.0.0.1, so the stand-in keeps a table of the domains
 * whose mail it treats as coming from their authorised servers (and any sub-domain of them):
 *
 *  - SPF: PASS when the envelope sender (MAIL FROM) is at such a domain, else GRAY (no policy known);
 *  - DKIM: the sender's server signs: mail whose envelope domain is in the table gets a
 *    DKIM-Signature with `d=<envelope domain>` and PASS; otherwise GRAY (unsigned), or FAIL when the
 *    mail already carries signatures nothing here can verify;
 *  - DMARC: the From domain's policy. PASS when From is at a table domain and the SPF pass is
 *    aligned with it; FAIL (policy NONE, so SES delivers and the product decides) when From is at a
 *    table domain without an aligned pass — a forgery; GRAY for From domains outside the table.
 *
 * So a forgery is "From: a table domain, MAIL FROM elsewhere". The notification has the shape SES
 * gives the Lambda on AWS; the handler cannot tell the difference.
 */
export const DEFAULT_AUTHENTICATED_MAIL_DOMAINS = ['example.com', 'example.org'];

/** `LOCAL_AUTHENTICATED_MAIL_DOMAINS=a.example,b.example` (empty: none), else the defaults. */
export function authenticatedDomainsFromEnv(value: string | undefined): string[] {
  if (value === undefined) return DEFAULT_AUTHENTICATED_MAIL_DOMAINS;
  return value
    .split(',')
    .map((d) => normalizeDomain(d))
    .filter((d): d is string => !!d);
}

export interface LocalSenderVerdicts {
  spf: 'PASS' | 'GRAY';
  dkim: 'PASS' | 'GRAY' | 'FAIL';
  dmarc: 'PASS' | 'FAIL' | 'GRAY';
  dmarcPolicy?: 'NONE';
  /** The signature the sender's server would have added (prepended to the stored mail and its headers). */
  dkimSignature?: { name: 'DKIM-Signature'; value: string };
}

function inTable(table: readonly string[], domain: string | undefined): boolean {
  if (!domain) return false;
  return table.some((t) => domain === t || domain.endsWith(`.${t}`));
}

export function localSenderVerdicts(input: {
  authenticatedDomains: readonly string[];
  envelopeSender: string;
  from: string | undefined;
  hasDkimSignature: boolean;
}): LocalSenderVerdicts {
  const envelopeDomain = input.envelopeSender ? domainOfAddress(input.envelopeSender) : undefined;
  const fromDomain = input.from ? domainOfAddress(input.from) : undefined;
  const spfPass = inTable(input.authenticatedDomains, envelopeDomain);
  const out: LocalSenderVerdicts = {
    spf: spfPass ? 'PASS' : 'GRAY',
    dkim: spfPass ? 'PASS' : input.hasDkimSignature ? 'FAIL' : 'GRAY',
    dmarc: 'GRAY',
  };
  if (spfPass && envelopeDomain) {
    out.dkimSignature = {
      name: 'DKIM-Signature',
      value: `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${envelopeDomain}; s=local; h=from:to:subject:date; bh=local; b=local`,
    };
  }
  if (inTable(input.authenticatedDomains, fromDomain)) {
    const aligned = spfPass && !!envelopeDomain && !!fromDomain && relaxedAligned(envelopeDomain, fromDomain);
    out.dmarc = aligned ? 'PASS' : 'FAIL';
    out.dmarcPolicy = 'NONE';
  }
  return out;
}
