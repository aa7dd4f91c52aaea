import { domainToASCII } from 'node:url';

/**
 * How a ban names whom it refuses, and how an address is brought to the same form before it is
 * compared: the variants a banned person can type for the same mailbox must all meet the ban.
 *
 * - `troll@example.com` bans one mailbox, whatever its case, Unicode compatibility form (NFKC),
 *   Unicode or punycode domain, trailing dot, or `+tag` (`Troll+x@EXAMPLE.com.` is the same).
 * - `@example.com` bans the domain and every sub-domain of it (`x@mail.example.com` too). A
 *   domain ban needs at least two labels, so a whole top-level domain cannot be banned by mistake.
 *
 * An address ban never covers other hosts: `troll@example.com` does not ban `troll@mail.example.com`
 * (a different mailbox); ban `@example.com` for that.
 */
export type BanPattern =
  | { kind: 'address'; key: string; domain: string }
  | { kind: 'domain'; key: string; domain: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The domain in ASCII (IDNA), lower case, without a trailing dot; undefined if it is not a host name. */
export function normaliseDomain(raw: string): string | undefined {
  const nfkc = raw.normalize('NFKC').trim().toLowerCase().replace(/\.$/, '');
  if (!nfkc) return undefined;
  const ascii = domainToASCII(nfkc);
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined;
  return ascii;
}

/** `local@domain` compared as a ban compares it; undefined if it is not an address. */
export function normaliseAddress(raw: string): { local: string; domain: string } | undefined {
  const text = raw.normalize('NFKC').trim();
  const at = text.lastIndexOf('@');
  if (at <= 0) return undefined;
  let local = text.slice(0, at).toLowerCase();
  // Sub-addressing: everything from the first `+` reaches the same mailbox at the common providers.
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (!local || local.length > 64 || /[\s@<>]/.test(local)) return undefined;
  const domain = normaliseDomain(text.slice(at + 1));
  return domain ? { local, domain } : undefined;
}

/** Parses what a lead types when banning: an address, or `@domain` for a domain and its sub-domains. */
export function parseBanPattern(raw: string): BanPattern | undefined {
  const text = raw.normalize('NFKC').trim();
  if (text.startsWith('@')) {
    const domain = normaliseDomain(text.slice(1));
    return domain ? { kind: 'domain', key: `@${domain}`, domain } : undefined;
  }
  const address = normaliseAddress(text);
  return address
    ? { kind: 'address', key: `${address.local}@${address.domain}`, domain: address.domain }
    : undefined;
}

/**
 * The ban keys that would cover an address, most specific first: the mailbox, then its domain and
 * each parent domain of two labels or more. A local part no ban can name (quoted, with spaces) still
 * meets the domain bans; a string without a host name meets none.
 */
export function banKeysFor(rawAddress: string): string[] {
  const text = rawAddress.normalize('NFKC').trim();
  const domain = normaliseDomain(text.slice(text.lastIndexOf('@') + 1));
  if (!text.includes('@') || !domain) return [];
  const labels = domain.split('.');
  const domains = labels.slice(0, -1).map((_, i) => `@${labels.slice(i).join('.')}`);
  const address = normaliseAddress(text);
  return address ? [`${address.local}@${address.domain}`, ...domains] : domains;
}
