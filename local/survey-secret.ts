import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Keyring, parseKeyring } from '#shared/secrets/keyring.ts';

/**
 * The local stack's survey-link secret: generated once per data directory and kept there, so links
 * in the local outbox stay valid across restarts. (On AWS it is a Secrets Manager secret.)
 */
export function localSurveySecret(dataDir: string): string {
  return localSecret(dataDir, 'survey-secret');
}

/**
 * The local stack's thread-token key (signs reply addresses and Message-IDs), kept like the survey
 * secret so replies to mail in the local outbox still thread after a restart.
 */
export function localThreadTokenSecret(dataDir: string): string {
  return localSecret(dataDir, 'thread-token-secret');
}

/** The survey keyring as the handlers read it (tests sign links with it). */
export function localSurveyKeyring(dataDir: string): Keyring {
  return parseKeyring(localSurveySecret(dataDir));
}

function localSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  } catch {
    // First start: create it below.
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
