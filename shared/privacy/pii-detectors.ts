/**
 * Personal data and secrets in free text, found by pattern and checked where a checksum exists, so
 * ordinary support text (order and tracking numbers, dates, versions, IP addresses, ticket ids) is
 * left alone. Pure: the caller says which kinds to look for and which addresses are allowed.
 * Precision and recall are measured on a labelled corpus (test/fixtures/privacy/replies.json).
 */

export const PII_KINDS = [
  'card-number',
  'bank-account',
  'national-id',
  'phone-number',
  'email-address',
  'secret',
] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** National identifiers by region: the desks serve the US, Canada and the UK/EU. */
export const NATIONAL_ID_SCHEMES = ['us-ssn', 'ca-sin', 'uk-nino'] as const;
export type NationalIdScheme = (typeof NATIONAL_ID_SCHEMES)[number];

export interface DetectOptions {
  kinds: readonly PiiKind[];
  nationalIds: readonly NationalIdScheme[];
  /** Addresses that may stay (the requester's own), lower case. */
  allowedEmails: readonly string[];
  /** Domains whose addresses may stay (the desk's own), lower case. */
  allowedEmailDomains: readonly string[];
}

export interface Finding {
  kind: PiiKind;
  start: number;
  end: number;
}

const digitsOf = (s: string) => s.replace(/\D/g, '');

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Card networks by prefix and length: a Luhn-valid number outside them is some other number. */
function cardBrandFits(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  if (d.startsWith('4')) return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (p2 === 36 || (p3 >= 300 && p3 <= 305) || p2 === 38) return n === 14; // Diners
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  return false;
}

/** Words that make a digit run an identifier of ours or a carrier's, not a card. */
const NOT_A_CARD_CONTEXT =
  /(order|tracking|shipment|invoice|reference|ref|ticket|case|confirmation|transaction|serial|build|imei)\s*(no\.?|number|num|id|#)?\s*[:#]?\s*$/i;

const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TR: 26,
};

export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '').toUpperCase();
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** ABA routing number checksum (US bank routing numbers). */
function abaValid(d: string): boolean {
  if (d.length !== 9) return false;
  const n = [...d].map(Number) as number[];
  const sum = 3 * (n[0]! + n[3]! + n[6]!) + 7 * (n[1]! + n[4]! + n[7]!) + (n[2]! + n[5]! + n[8]!);
  return sum % 10 === 0;
}

const TOLL_FREE = new Set(['800', '888', '877', '866', '855', '844', '833']);

function shannonBitsPerChar(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

interface Candidate {
  start: number;
  end: number;
}

function* matches(re: RegExp, text: string, group = 0): Generator<Candidate & { match: RegExpExecArray }> {
  for (const match of text.matchAll(re)) {
    const whole = match.index ?? 0;
    if (group === 0) {
      yield { start: whole, end: whole + match[0].length, match };
      continue;
    }
    const value = match[group];
    if (value === undefined) continue;
    const offset = match[0].lastIndexOf(value);
    yield { start: whole + offset, end: whole + offset + value.length, match };
  }
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bsk-[A-Za-z0-9_-]{20,}\b/g,
  /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/g,
];
/** `password: …`, `api_key=…`: the value after a word that names a secret. */
const SECRET_ASSIGNMENT =
  /\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?token|auth[_-]?token|bearer|password|passwd|pwd)\b["']?\s*(?:[:=]|is)\s*["']?([^\s"',;]{6,})/gi;
/** A long run of base64/base64url characters: a token pasted from a console. */
const HIGH_ENTROPY = /(?<![\w/+=.@-])[A-Za-z0-9+/_-]{32,}={0,2}(?![\w/+=@-])/g;
const URL = /\bhttps?:\/\/[^\s<>"')\]]+/gi;

const EMAIL = /(?<![\w.+%-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
/** Routing (ABA) and account numbers are unstructured: only beside the words that name them. */
const ROUTING = /\b(?:routing|aba|transit)\s*(?:number|no\.?|#)?\s*[:#]?\s*(\d{9})\b/gi;
const ACCOUNT = /\b(?:bank\s+)?(?:account|acct)\s*(?:number|no\.?|#)\s*[:#]?\s*(\d(?:[ -]?\d){5,16})\b/gi;
const CARD = /(?<![\w.-]|\d[ -])\d(?:[ -]?\d){12,18}(?![\w-]|[ -]\d|\.\d)/g;
const SSN = /(?<![\w.-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-]|\.\d)/g;
const SSN_BARE = /\b(?:ssn|social security(?: number| no\.?)?)\s*[:#]?\s*(\d{9})\b/gi;
const SIN = /(?<![\w.-])\d{3}([- ])\d{3}\1\d{3}(?![\w-]|\.\d)/g;
const SIN_BARE = /\b(?:sin|social insurance(?: number| no\.?)?)\s*[:#]?\s*(\d{9})\b/gi;
const NINO = /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;
const PHONE_INTERNATIONAL =
  /(?<![\w+/.:=-])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,4}){2,5}(?![\w-]|\.\d)/g;
const PHONE_NANP = /(?<![\w/.:+=-])(?:1[ .-]?)?(?:\((\d{3})\) ?|(\d{3})[ .-])\d{3}[ .-]\d{4}(?![\w-]|\.\d)/g;
/** UK and European national formats: a trunk 0, then groups separated by spaces. */
const PHONE_TRUNK = /(?<![\w/.:+=-])0\d{2,4} \d{3,4} ?\d{3,4}(?![\w-]|\.\d)/g;

/**
 * Every finding, non-overlapping, in text order. Detectors run from the most specific (secrets,
 * addresses, checksummed numbers) to the loosest (phone numbers), and a later one never claims
 * text an earlier one found.
 */
export function findPii(text: string, options: DetectOptions): Finding[] {
  const wanted = new Set(options.kinds);
  const found: Finding[] = [];
  const overlaps = (c: Candidate) => found.some((f) => c.start < f.end && f.start < c.end);
  const add = (kind: PiiKind, c: Candidate) => {
    if (!overlaps(c)) found.push({ kind, start: c.start, end: c.end });
  };
  const urls = [...matches(URL, text)];
  const inUrl = (c: Candidate) => urls.some((u) => c.start >= u.start && c.end <= u.end);

  if (wanted.has('secret')) {
    for (const re of SECRET_PATTERNS) for (const c of matches(re, text)) add('secret', c);
    for (const c of matches(SECRET_ASSIGNMENT, text, 1)) {
      const value = text.slice(c.start, c.end);
      // "password is reset", "token: expired": a secret has a digit or symbol, or is long.
      if (/[\d\W_]/.test(value) || value.length >= 16) add('secret', c);
    }
    for (const c of matches(HIGH_ENTROPY, text)) {
      const value = text.slice(c.start, c.end);
      if (inUrl(c)) continue;
      // Hex runs are hashes and commit ids; a token mixes cases and digits.
      if (/^[0-9a-f-]+$/i.test(value)) continue;
      if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/\d/.test(value)) continue;
      if (shannonBitsPerChar(value) >= 4.2) add('secret', c);
    }
  }
  if (wanted.has('email-address')) {
    const allowed = new Set(options.allowedEmails.map((e) => e.toLowerCase()));
    for (const c of matches(EMAIL, text)) {
      const address = text.slice(c.start, c.end).toLowerCase();
      const domain = address.slice(address.indexOf('@') + 1);
      if (allowed.has(address)) continue;
      if (options.allowedEmailDomains.some((d) => domain === d || domain.endsWith(`.${d}`))) continue;
      add('email-address', c);
    }
  }
  if (wanted.has('bank-account')) {
    for (const c of matches(IBAN, text)) if (ibanValid(text.slice(c.start, c.end))) add('bank-account', c);
    for (const c of matches(ROUTING, text, 1))
      if (abaValid(text.slice(c.start, c.end))) add('bank-account', c);
    for (const c of matches(ACCOUNT, text, 1)) add('bank-account', c);
  }
  if (wanted.has('card-number')) {
    for (const c of matches(CARD, text)) {
      const raw = text.slice(c.start, c.end);
      const d = digitsOf(raw);
      if (d.length < 13 || d.length > 19 || !cardBrandFits(d) || !luhnValid(d)) continue;
      // Separators, when present, group the digits as cards print them (4-4-4-4, 4-6-5).
      if (/[ -]/.test(raw) && !/^\d{4}([ -])(\d{4}\1\d{4}\1\d{1,7}|\d{6}\1\d{4,5})$/.test(raw)) continue;
      if (NOT_A_CARD_CONTEXT.test(text.slice(Math.max(0, c.start - 30), c.start))) continue;
      add('card-number', c);
    }
  }
  if (wanted.has('national-id')) {
    const schemes = new Set(options.nationalIds);
    if (schemes.has('us-ssn')) {
      for (const c of matches(SSN, text)) {
        const [, area = '', , group = '', serial = ''] = c.match;
        if (area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000')
          continue;
        add('national-id', c);
      }
      for (const c of matches(SSN_BARE, text, 1)) add('national-id', c);
    }
    if (schemes.has('ca-sin')) {
      for (const c of matches(SIN, text)) {
        const d = digitsOf(text.slice(c.start, c.end));
        if (/^[0 8]/.test(d) || !luhnValid(d)) continue;
        add('national-id', c);
      }
      for (const c of matches(SIN_BARE, text, 1)) {
        if (luhnValid(text.slice(c.start, c.end))) add('national-id', c);
      }
    }
    if (schemes.has('uk-nino')) for (const c of matches(NINO, text)) add('national-id', c);
  }
  if (wanted.has('phone-number')) {
    for (const c of matches(PHONE_INTERNATIONAL, text)) {
      const d = digitsOf(text.slice(c.start, c.end));
      if (d.length < 8 || d.length > 15) continue;
      if (d.startsWith('1') && TOLL_FREE.has(d.slice(1, 4))) continue;
      add('phone-number', c);
    }
    for (const c of matches(PHONE_NANP, text)) {
      const area = c.match[1] ?? c.match[2] ?? '';
      // A business's toll-free line is not personal data; area codes never start with 0 or 1.
      if (TOLL_FREE.has(area) || /^[01]/.test(area)) continue;
      add('phone-number', c);
    }
    for (const c of matches(PHONE_TRUNK, text)) {
      const d = digitsOf(text.slice(c.start, c.end));
      if (d.length >= 10 && d.length <= 11) add('phone-number', c);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

export const REDACTION_LABEL: Readonly<Record<PiiKind, string>> = {
  'card-number': '[redacted: card number]',
  'bank-account': '[redacted: bank account]',
  'national-id': '[redacted: national id]',
  'phone-number': '[redacted: phone number]',
  'email-address': '[redacted: email address]',
  secret: '[redacted: secret]',
};

export type RedactionCounts = Partial<Record<PiiKind, number>>;

/** The text with every finding replaced by its label, and how many of each kind (never the values). */
export function redactPii(text: string, options: DetectOptions): { text: string; counts: RedactionCounts } {
  const findings = findPii(text, options);
  const counts: RedactionCounts = {};
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + REDACTION_LABEL[f.kind];
    at = f.end;
    counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  }
  return { text: out + text.slice(at), counts };
}
