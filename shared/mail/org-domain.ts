import { domainToASCII } from 'node:url';

/**
 * Organisational domains (RFC 7489 §3.2) without the network: the registrable domain of a host,
 * the unit DMARC's relaxed alignment compares. The full Public Suffix List is ~10,000 rules and
 * changes weekly; this is a compact, checked-in subset that errs on the strict side:
 *
 *  - explicit multi-label public suffixes (ICANN second levels such as `co.uk`, and the shared
 *    hosting and mail-tenant suffixes where unrelated owners sit side by side, e.g. `onmicrosoft.com`);
 *  - under any two-letter country TLD, a generic second level (`com`, `co`, `net`, `org`, `ac`,
 *    `gov`, `edu`, …) is treated as a public suffix (`com.ar`, `co.id`, `org.mx`).
 *
 * A suffix missing from the list makes the organisational domain *too short* (two sub-domains of
 * an unknown public suffix would align); the rule above covers the common ccTLD pattern, and
 * treating a private name as a suffix only makes alignment stricter, never looser.
 */
const MULTI_LABEL_SUFFIXES = new Set([
  // United Kingdom, Australia, New Zealand, Japan, South Africa, India, Brazil, China, Korea…
  'co.uk',
  'org.uk',
  'me.uk',
  'ltd.uk',
  'plc.uk',
  'net.uk',
  'ac.uk',
  'gov.uk',
  'nhs.uk',
  'police.uk',
  'sch.uk',
  'com.au',
  'net.au',
  'org.au',
  'edu.au',
  'gov.au',
  'asn.au',
  'id.au',
  'co.nz',
  'net.nz',
  'org.nz',
  'govt.nz',
  'ac.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'go.jp',
  'ad.jp',
  'ed.jp',
  'gr.jp',
  'lg.jp',
  'co.za',
  'org.za',
  'gov.za',
  'co.in',
  'firm.in',
  'gen.in',
  'ind.in',
  'net.in',
  'org.in',
  'com.br',
  'net.br',
  'org.br',
  'gov.br',
  'com.cn',
  'net.cn',
  'org.cn',
  'gov.cn',
  'co.kr',
  'or.kr',
  'ne.kr',
  'go.kr',
  'com.sg',
  'com.hk',
  'com.tw',
  'com.mx',
  'com.tr',
  'gen.tr',
  'com.ar',
  'co.il',
  'org.il',
  'co.id',
  'or.id',
  'com.my',
  'com.ph',
  'com.vn',
  'com.pl',
  'net.pl',
  'org.pl',
  'co.at',
  'or.at',
  'gv.at',
  'com.es',
  'gouv.fr',
  'qc.ca',
  'on.ca',
  'bc.ca',
  // Shared hosting and mail tenants: different owners under one registrable name.
  'onmicrosoft.com',
  'github.io',
  'gitlab.io',
  'herokuapp.com',
  'azurewebsites.net',
  'cloudapp.net',
  'blogspot.com',
  'appspot.com',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'workers.dev',
  'web.app',
  'firebaseapp.com',
  'myshopify.com',
  'amazonaws.com',
  'cloudfront.net',
]);

const GENERIC_SECOND_LEVELS = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'go',
  'gob',
  'gov',
  'gv',
  'mil',
  'ne',
  'net',
  'nom',
  'or',
  'org',
  'sch',
]);

/** A domain as DNS compares it: A-labels (punycode for IDNs), lower case, no trailing dot. */
export function normalizeDomain(domain: string): string | undefined {
  const trimmed = domain.trim().replace(/\.$/, '');
  if (!trimmed) return undefined;
  const ascii = domainToASCII(trimmed);
  return ascii ? ascii.toLowerCase() : undefined;
}

/** The organisational domain of a host (`mail.support.example.co.uk` → `example.co.uk`). */
export function organizationalDomain(domain: string): string | undefined {
  const normal = normalizeDomain(domain);
  if (!normal) return undefined;
  const labels = normal.split('.');
  if (labels.length < 2 || labels.some((l) => l === '')) return normal;
  const lastTwo = labels.slice(-2).join('.');
  const tld = labels.at(-1)!;
  const second = labels.at(-2)!;
  const publicTwoLabel =
    MULTI_LABEL_SUFFIXES.has(lastTwo) || (tld.length === 2 && GENERIC_SECOND_LEVELS.has(second));
  const take = publicTwoLabel ? 3 : 2;
  return labels.length <= take ? normal : labels.slice(-take).join('.');
}

/** The domain part of an address (`Pat <pat@Example.com>` is not accepted: pass the bare address). */
export function domainOfAddress(address: string): string | undefined {
  const at = address.trim().lastIndexOf('@');
  return at > 0 ? normalizeDomain(address.trim().slice(at + 1)) : undefined;
}

/**
 * DMARC relaxed alignment: the two domains have the same organisational domain. A public suffix on
 * its own (`co.uk`) aligns with nothing, since it has no owner.
 */
export function relaxedAligned(a: string, b: string): boolean {
  const oa = organizationalDomain(a);
  const ob = organizationalDomain(b);
  if (!oa || !ob || oa !== ob) return false;
  const labels = oa.split('.');
  return !(labels.length === 2 && MULTI_LABEL_SUFFIXES.has(oa));
}
