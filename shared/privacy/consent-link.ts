import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../secrets/keyring.ts';

/**
 * The grant and refuse links in a consent request mail: no login, so the link is the credential, made
 * like the survey link (shared/survey/link.ts) and under the same keyring (current key signs, current and
 * previous verify), with its own purpose in the MAC so a survey signature never opens a consent page and
 * back. `sig=<expiry>.<mac>` over desk, ticket, consent and expiry (the request's `answerBy`). Opening the
 * link shows a page; only its form's POST records the answer, so a mail scanner following links decides
 * nothing.
 */
function mac(key: string, desk: string, ticketId: string, consentId: string, exp: number): string {
  return createHmac('sha256', key)
    .update(`consent:${desk}:${ticketId}:${consentId}:${exp}`)
    .digest('base64url');
}

export function consentPath(
  keys: Keyring,
  ref: { desk: string; ticketId: string; consentId: string },
  expiresAt: Date,
  decision: 'grant' | 'refuse',
): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const sig = `${exp}.${mac(keys.current, ref.desk, ref.ticketId, ref.consentId, exp)}`;
  return `/consent/${encodeURIComponent(ref.desk)}/${encodeURIComponent(ref.ticketId)}/${encodeURIComponent(ref.consentId)}?decision=${decision}&sig=${sig}`;
}

export type ConsentLinkCheck = 'valid' | 'invalid' | 'expired';

export function verifyConsentSignature(
  keys: Keyring,
  ref: { desk: string; ticketId: string; consentId: string },
  sig: string | undefined,
  now: Date,
): ConsentLinkCheck {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(sig ?? '');
  if (!match) return 'invalid';
  const exp = Number(match[1]);
  const given = Buffer.from(match[2] ?? '');
  const signed = [keys.current, keys.previous].some(
    (key) =>
      key !== undefined &&
      timingSafeEqual(given, Buffer.from(mac(key, ref.desk, ref.ticketId, ref.consentId, exp))),
  );
  if (!signed) return 'invalid';
  return now.getTime() >= exp * 1000 ? 'expired' : 'valid';
}
