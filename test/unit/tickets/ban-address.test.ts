import { describe, expect, it } from 'vitest';
import {
  banKeysFor,
  normaliseAddress,
  normaliseDomain,
  parseBanPattern,
} from '#shared/tickets/ban-address.ts';

describe('normaliseAddress', () => {
  it.each([
    ['troll@example.com', 'troll@example.com'],
    ['Troll@Example.COM', 'troll@example.com'],
    ['troll+x@example.com', 'troll@example.com'],
    ['troll+a+b@example.com', 'troll@example.com'],
    ['  troll@example.com.  ', 'troll@example.com'],
    // Full-width letters and at sign (NFKC) read as their ASCII forms.
    ['ｔｒｏｌｌ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'troll@example.com'],
    // A Unicode domain and its punycode form are one domain.
    ['troll@bücher.de', 'troll@xn--bcher-kva.de'],
    ['troll@XN--BCHER-KVA.de', 'troll@xn--bcher-kva.de'],
    ['TROLL@BÜCHER.DE', 'troll@xn--bcher-kva.de'],
  ])('%s → %s', (raw, expected) => {
    const a = normaliseAddress(raw);
    expect(a && `${a.local}@${a.domain}`).toBe(expected);
  });

  it('keeps a leading + (no mailbox before the tag) and refuses what is not an address', () => {
    expect(normaliseAddress('+x@example.com')).toEqual({ local: '+x', domain: 'example.com' });
    for (const bad of [
      '',
      'troll',
      '@example.com',
      'troll@',
      'troll@localhost',
      'tr oll@example.com',
      'troll@exa mple.com',
      'troll@-x.com',
      `${'a'.repeat(65)}@example.com`,
    ]) {
      expect(normaliseAddress(bad), bad).toBeUndefined();
    }
  });
});

describe('normaliseDomain', () => {
  it('lower-cases, converts to ASCII (IDNA) and drops a trailing dot', () => {
    expect(normaliseDomain('Mail.Example.COM.')).toBe('mail.example.com');
    expect(normaliseDomain('münchen.example')).toBe('xn--mnchen-3ya.example');
  });
  it('needs two labels of letters, digits and dashes', () => {
    for (const bad of ['com', '', '.', 'a..b', '[1.2.3.4]', 'exa_mple.com'])
      expect(normaliseDomain(bad), bad).toBeUndefined();
  });
});

describe('parseBanPattern', () => {
  it('reads an address ban and a domain ban', () => {
    expect(parseBanPattern('Troll+spam@Example.com')).toEqual({
      kind: 'address',
      key: 'troll@example.com',
      domain: 'example.com',
    });
    expect(parseBanPattern('@Bücher.DE')).toEqual({
      kind: 'domain',
      key: '@xn--bcher-kva.de',
      domain: 'xn--bcher-kva.de',
    });
  });
  it('refuses a top-level domain, an empty domain and other text', () => {
    for (const bad of ['@com', '@', 'example.com', '*.example.com', 'nobody'])
      expect(parseBanPattern(bad), bad).toBeUndefined();
  });
});

describe('banKeysFor', () => {
  it('lists the mailbox, then the domain and each parent of two labels or more', () => {
    expect(banKeysFor('Troll+x@Mail.EU.Example.com')).toEqual([
      'troll@mail.eu.example.com',
      '@mail.eu.example.com',
      '@eu.example.com',
      '@example.com',
    ]);
  });
  it('meets every ban pattern that covers the address, and none that does not', () => {
    const keys = banKeysFor('troll+x@mail.example.com');
    expect(keys).toContain(parseBanPattern('@EXAMPLE.com')!.key);
    expect(keys).toContain(parseBanPattern('troll@mail.example.com')!.key);
    expect(keys).not.toContain(parseBanPattern('troll@example.com')!.key);
    expect(banKeysFor('friend@notexample.com')).not.toContain('@example.com');
  });
  it('is empty for a string that is not an address', () => {
    expect(banKeysFor('not an address')).toEqual([]);
    expect(banKeysFor('troll@localhost')).toEqual([]);
  });
  it('meets domain bans even when the local part is one no ban can name', () => {
    expect(banKeysFor('"a b"@Mail.Spam.example')).toEqual(['@mail.spam.example', '@spam.example']);
  });
});
