import type { BanCheck } from '../tickets/bans.ts';
import type { Ban } from '../tickets/ports.ts';
import type { IntakeOutcome } from './intake.ts';
import type { SesReceiptNotification } from './ses-notification.ts';

const BRACKETED = /<([^<>]*)>/g;
const ADDRESS_LIKE = /[^\s<>(),;:"'[\]]+@[^\s<>(),;:"'[\]]+/g;

/** Addresses in a header value: each `<…>`, or each comma-separated part, plus anything address-like in display names. */
function addressesIn(value: string): string[] {
  const bracketed = [...value.matchAll(BRACKETED)].map((m) => m[1]!.trim());
  const bare = bracketed.length ? [] : value.split(',').map((part) => part.trim());
  return [...bracketed, ...bare, ...(value.match(ADDRESS_LIKE) ?? [])].filter((a) => a.includes('@'));
}

/**
 * Every address a received mail says it comes from, read from the receipt before the MIME is parsed:
 * the envelope sender and each address in From (SES's parsed header, or the raw header). A ban is
 * checked against all of them, authenticated or not: refusing on a forged address costs nothing.
 */
export function senderAddresses(mail: SesReceiptNotification['mail']): string[] {
  const from =
    mail.commonHeaders?.from ??
    (mail.headers ?? []).filter((h) => h.name.toLowerCase() === 'from').map((h) => h.value);
  return [...new Set([mail.source, ...from].flatMap(addressesIn))];
}

/** Records the mail as rejected with the ban as its reason and counts it on the ban (once per mail). */
export async function rejectBannedSender(
  ban: Ban,
  bans: BanCheck,
  record: (status: 'rejected', reason: string) => Promise<IntakeOutcome>,
): Promise<IntakeOutcome> {
  const outcome = await record('rejected', `banned sender (ban on ${ban.email})`);
  // A redelivery of the same mail is recorded as a duplicate, and not counted again.
  if (outcome.status === 'rejected') await bans.recordRefusal(ban);
  return outcome;
}
