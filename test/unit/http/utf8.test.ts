import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8Offset } from '#shared/http/utf8.ts';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeUtf8', () => {
  it('decodes well-formed text, including 2-, 3- and 4-byte sequences', () => {
    expect(decodeUtf8(bytes('{"a":"é€😀"}'))).toEqual({ ok: true, text: '{"a":"é€😀"}' });
    expect(decodeUtf8(new Uint8Array())).toEqual({ ok: true, text: '' });
  });

  it.each([
    ['a lone continuation byte', bytes('{"a":"', [0x80], '"}'), 6],
    ['an invalid lead byte', bytes('ab', [0xff]), 2],
    ['an overlong encoding of "/"', bytes('x', [0xc0, 0xaf]), 1],
    ['an overlong 3-byte sequence', bytes([0xe0, 0x80, 0xaf]), 0],
    ['a UTF-16 surrogate', bytes('ok', [0xed, 0xa0, 0x80]), 2],
    ['a code point above U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ['a truncated sequence at the end', bytes('€', [0xe2, 0x82]), 3],
    ['a sequence cut by ASCII', bytes([0xe2, 0x41, 0x41]), 0],
  ])('names the offset of %s', (_, input, offset) => {
    expect(firstInvalidUtf8Offset(input)).toBe(offset);
    expect(decodeUtf8(input)).toEqual({ ok: false, offset });
  });

  it('agrees with the platform decoder on every 1- and 2-byte input', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b += 7) {
        const input = new Uint8Array([a, b]);
        let valid = true;
        try {
          strict.decode(input);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8Offset(input) === -1, `${a},${b}`).toBe(valid);
      }
    }
  });
});
