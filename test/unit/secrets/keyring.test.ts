import { describe, expect, it } from 'vitest';
import { cachedKeyring, KEYRING_CACHE_MS, parseKeyring } from '#shared/secrets/keyring.ts';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('keyring secrets', () => {
  it('reads a keyring, or one plain key, and refuses short keys', () => {
    expect(parseKeyring(JSON.stringify({ current: A, previous: B }))).toEqual({ current: A, previous: B });
    expect(parseKeyring(JSON.stringify({ current: A, previous: '' }))).toEqual({ current: A });
    expect(parseKeyring(A)).toEqual({ current: A });
    expect(() => parseKeyring('short')).toThrow(/current key/);
    expect(() => parseKeyring(JSON.stringify({ current: A, previous: 'short' }))).toThrow(/previous key/);
  });

  it('caches the secret for five minutes, so a rotation is picked up after that', async () => {
    let value = A;
    let reads = 0;
    let now = 0;
    const source = cachedKeyring(
      async () => {
        reads++;
        return value;
      },
      { nowMs: () => now },
    );
    expect(await source.keyring()).toEqual({ current: A });
    value = JSON.stringify({ current: B, previous: A });
    now = KEYRING_CACHE_MS - 1;
    expect(await source.keyring()).toEqual({ current: A });
    expect(reads).toBe(1);
    now = KEYRING_CACHE_MS;
    expect(await source.keyring()).toEqual({ current: B, previous: A });
    expect(reads).toBe(2);
  });
});
