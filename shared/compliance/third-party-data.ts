/**
 * Third parties' personal data in staff notes. A requester's access copy must not adversely
 * affect the rights and freedoms of others (GDPR Art. 15(4)): internal notes about a requester
 * often name other people (a colleague's address, a caller's phone number). What can be detected
 * reliably, email addresses and phone numbers that are not the requester's own, is withheld from
 * the export and listed in the bundle's manifest. Pure.
 */
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
/** A phone number on its own (not inside an id): 7 to 15 digits with the usual separators. */
const PHONE = /(?<![\w:/#.@-])\+?\d[\d ().-]{5,}\d(?![\w:/#@-])/g;
const MIN_PHONE_DIGITS = 7;
const MAX_PHONE_DIGITS = 15;
/** Dates and times are not phone numbers. */
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;

export const WITHHELD_EMAIL = '[withheld: third-party email address]';
export const WITHHELD_PHONE = '[withheld: third-party phone number]';

const digits = (s: string) => s.replace(/\D/g, '');

export function phoneNumbersIn(text: string): string[] {
  return [...text.matchAll(PHONE)]
    .map((m) => m[0])
    .filter(
      (m) =>
        !DATE_LIKE.test(m) && digits(m).length >= MIN_PHONE_DIGITS && digits(m).length <= MAX_PHONE_DIGITS,
    );
}

export interface RequesterIdentifiers {
  /** The requester's own addresses (lower case). */
  emails: readonly string[];
  /** The requester's own phone numbers, as digits. */
  phones: readonly string[];
}

/** The text with other people's addresses and phone numbers withheld, and how many of each. */
export function withholdThirdPartyData(
  text: string,
  own: RequesterIdentifiers,
): { text: string; emails: number; phones: number } {
  let emails = 0;
  let phones = 0;
  const out = text
    .replace(EMAIL, (m) => {
      if (own.emails.includes(m.toLowerCase())) return m;
      emails++;
      return WITHHELD_EMAIL;
    })
    .replace(PHONE, (m) => {
      const d = digits(m);
      if (DATE_LIKE.test(m) || d.length < MIN_PHONE_DIGITS || d.length > MAX_PHONE_DIGITS) return m;
      if (own.phones.some((p) => p.endsWith(d) || d.endsWith(p))) return m;
      phones++;
      return WITHHELD_PHONE;
    });
  return { text: out, emails, phones };
}
