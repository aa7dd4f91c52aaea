import { GetSecretValueCommand, type SecretsManagerClient } from '../runtime/aws/secrets-manager.ts';

/**
 * A signing keyring: sign with `current`, verify with `current` and `previous`, so what was signed before a
 * rotation stays valid for one overlap window (until `previous` is dropped). The survey links and the thread
 * tokens each have one, stored as a secret whose value is `{"current": "…", "previous": "…"}`.
 */
export interface Keyring {
  current: string;
  previous?: string | undefined;
}

/** The port behind which a keyring lives (Secrets Manager, or the local stack's stand-in endpoint). */
export interface KeyringSource {
  keyring(): Promise<Keyring>;
}

const MIN_KEY_CHARS = 32;

/** A keyring from a secret's value: the JSON above, or (a secret not yet rotated) one plain key. */
export function parseKeyring(secretString: string): Keyring {
  let parsed: unknown = secretString;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // A plain string is the current key.
  }
  const { current, previous } =
    typeof parsed === 'string'
      ? { current: parsed, previous: undefined }
      : ((parsed ?? {}) as { current?: unknown; previous?: unknown });
  if (typeof current !== 'string' || current.length < MIN_KEY_CHARS) {
    throw new Error(`the keyring's current key needs at least ${MIN_KEY_CHARS} characters`);
  }
  if (
    previous !== undefined &&
    previous !== '' &&
    (typeof previous !== 'string' || previous.length < MIN_KEY_CHARS)
  ) {
    throw new Error(`the keyring's previous key needs at least ${MIN_KEY_CHARS} characters, or is empty`);
  }
  return { current, ...(typeof previous === 'string' && previous ? { previous } : {}) };
}

/** Keys given at composition (a test). */
export function staticKeyring(keyring: Keyring): KeyringSource {
  const fixed = parseKeyring(JSON.stringify(keyring));
  return { keyring: async () => fixed };
}

/** Five minutes: a rotation reaches every warm instance within that, and a busy function reads rarely. */
export const KEYRING_CACHE_MS = 5 * 60_000;

/**
 * Reads the keyring through `read` at most once per `ttlMs` per process (one request in flight at a time).
 * `nowMs` is the real wall clock: caching is about the secret store, not the simulated world.
 */
export function cachedKeyring(
  read: () => Promise<string>,
  options: { ttlMs?: number; nowMs?: () => number } = {},
): KeyringSource {
  const ttlMs = options.ttlMs ?? KEYRING_CACHE_MS;
  const nowMs = options.nowMs ?? Date.now;
  let cached: { keyring: Keyring; readAt: number } | undefined;
  let inFlight: Promise<Keyring> | undefined;
  return {
    async keyring() {
      if (cached && nowMs() - cached.readAt < ttlMs) return cached.keyring;
      inFlight ??= read()
        .then((value) => {
          const keyring = parseKeyring(value);
          cached = { keyring, readAt: nowMs() };
          return keyring;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
}

/** The keyring in a Secrets Manager secret (by ARN or name), cached as above. */
export function secretsManagerKeyring(
  client: SecretsManagerClient,
  secretId: string,
  options: { ttlMs?: number; nowMs?: () => number } = {},
): KeyringSource {
  return cachedKeyring(async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`secret ${secretId} has no string value`);
    return SecretString;
  }, options);
}
