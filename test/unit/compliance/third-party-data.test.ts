import { describe, expect, it } from 'vitest';
import { phoneNumbersIn, withholdThirdPartyData } from '#shared/compliance/third-party-data.ts';

describe('third-party data in staff notes', () => {
  const own = { emails: ['ana@example.com'], phones: ['14155550134'] };
  it("withholds other people's addresses and phone numbers, keeps the requester's own", () => {
    const out = withholdThirdPartyData(
      'Ana (ANA@example.com, +1 415 555 0134) vs Bob (bob@acme.example, 020 7946 0958, 555-0199)',
      own,
    );
    expect(out).toEqual({
      text: 'Ana (ANA@example.com, +1 415 555 0134) vs Bob ([withheld: third-party email address], [withheld: third-party phone number], [withheld: third-party phone number])',
      emails: 1,
      phones: 2,
    });
  });

  it('leaves ids, dates, amounts and ARNs alone', () => {
    const text =
      'ticket 01J2024061512345678PAGING, due 2031-02-03T10:00:00Z, invoice INV-2024-000123, 1500 USD, arn:aws:states:us-east-1:123456789012:execution:x';
    expect(withholdThirdPartyData(text, own)).toEqual({ text, emails: 0, phones: 0 });
    expect(phoneNumbersIn(text)).toEqual([]);
  });
});
