import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Keyring, type KeyringSource, staticKeyring } from '../secrets/keyring.ts';

/**
 * Signed thread tokens: the ticket reference we put where a reply carries it back to us (the plus
 * address `support+<token>@…` and our own Message-IDs). A token is `<ticket id>.<mac>`, the mac an
 * HMAC-SHA256 over desk and ticket id under the deployment's thread key, cut to 80 bits (hex, so a
 * mail system that lower-cases the local part keeps it valid). Without the key nobody can make a
 * token for a ticket, so a made-up plus address or Message-ID threads nothing.
 *
 * Rotation: sign with the current key, verify with the current and the previous one, so tokens in
 * customers' mailboxes keep working for one overlap window (until the previous key is dropped).
 */
export type ThreadKeyring = Keyring;

/** The port behind which the keys live (shared/secrets/keyring.ts: Secrets Manager, cached). */
export type ThreadKeySource = KeyringSource;

/** Keys given at composition (a test). */
export function staticThreadKeys(keyring: ThreadKeyring): ThreadKeySource {
  return staticKeyring(keyring);
}

const TICKET_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const MAC_CHARS = 20;

function mac(key: string, desk: string, ticketId: string): string {
  return createHmac('sha256', key).update(`thread:${desk}:${ticketId}`).digest('hex').slice(0, MAC_CHARS);
}

export function signThreadToken(keys: ThreadKeyring, desk: string, ticketId: string): string {
  return `${ticketId}.${mac(keys.current, desk, ticketId)}`;
}

/** The ticket a token names, if it was signed with the current or the previous key; else undefined. */
export function verifyThreadToken(keys: ThreadKeyring, desk: string, token: string): string | undefined {
  const [rawId, rawMac, ...rest] = token.trim().split('.');
  if (!rawId || !rawMac || rest.length) return undefined;
  const ticketId = rawId.toUpperCase();
  const given = Buffer.from(rawMac.toLowerCase());
  if (!TICKET_ID.test(ticketId) || given.length !== MAC_CHARS) return undefined;
  for (const key of [keys.current, keys.previous]) {
    if (key && timingSafeEqual(given, Buffer.from(mac(key, desk, ticketId)))) return ticketId;
  }
  return undefined;
}
