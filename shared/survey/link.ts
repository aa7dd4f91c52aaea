import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../secrets/keyring.ts';

/**
 * The CSAT/NPS survey link in closure notices: no login, so the link itself is the credential.
 * It names the desk and ticket and carries `sig=<expiry>.<mac>`: the expiry (epoch seconds, from the
 * desk's `surveyLinkDays`) and an HMAC of desk, ticket and expiry under the survey key. Signed with the
 * current key, verified with the current and the previous one, so links sent before a rotation keep
 * working until the previous key is dropped. One score per ticket is recorded (by the survey endpoint).
 */
function mac(key: string, desk: string, ticketId: string, expiresAtSeconds: number): string {
  return createHmac('sha256', key)
    .update(`survey:${desk}:${ticketId}:${expiresAtSeconds}`)
    .digest('base64url');
}

export function surveySignature(keys: Keyring, desk: string, ticketId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${exp}.${mac(keys.current, desk, ticketId, exp)}`;
}

export function surveyPath(keys: Keyring, desk: string, ticketId: string, expiresAt: Date): string {
  return `/survey/${encodeURIComponent(desk)}/${encodeURIComponent(ticketId)}?sig=${surveySignature(keys, desk, ticketId, expiresAt)}`;
}

export type SurveySignatureCheck = 'valid' | 'invalid' | 'expired';

/** Whether `sig` was made by the current or previous key for this desk and ticket, and is not past its expiry. */
export function verifySurveySignature(
  keys: Keyring,
  desk: string,
  ticketId: string,
  sig: string,
  now: Date,
): SurveySignatureCheck {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(sig);
  if (!match) return 'invalid';
  const exp = Number(match[1]);
  const given = Buffer.from(match[2] ?? '');
  const signed = [keys.current, keys.previous].some(
    (key) => key !== undefined && timingSafeEqual(given, Buffer.from(mac(key, desk, ticketId, exp))),
  );
  if (!signed) return 'invalid';
  return now.getTime() >= exp * 1000 ? 'expired' : 'valid';
}
