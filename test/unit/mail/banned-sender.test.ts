import { describe, expect, it } from 'vitest';
import { senderAddresses } from '#shared/mail/banned-sender.ts';
import type { SesReceiptNotification } from '#shared/mail/ses-notification.ts';

const mail = (source: string, from?: string[], headers?: Array<{ name: string; value: string }>) =>
  ({
    timestamp: '2031-01-01T00:00:00Z',
    source,
    messageId: 'm1',
    destination: ['support@techflowsolutions.com'],
    ...(from ? { commonHeaders: { from } } : {}),
    ...(headers ? { headers } : {}),
  }) as SesReceiptNotification['mail'];

describe('senderAddresses', () => {
  it('reads the envelope sender and each From address, display names included', () => {
    expect(
      senderAddresses(mail('bounce@lists.example', ['Troll <troll@example.com>', 'b@example.org'])),
    ).toEqual(['bounce@lists.example', 'troll@example.com', 'b@example.org']);
    // An address written in the display name is checked too.
    expect(senderAddresses(mail('', ['"troll@example.com" <other@example.net>']))).toEqual([
      'other@example.net',
      'troll@example.com',
    ]);
  });

  it('keeps a quoted local part whole, so its domain still meets a domain ban', () => {
    expect(senderAddresses(mail('', ['"a b"@spam.example']))).toEqual(['"a b"@spam.example']);
  });

  it('falls back to the raw From header when SES gives no parsed one', () => {
    expect(
      senderAddresses(mail('<>', undefined, [{ name: 'FROM', value: 'Kim <kim@example.net>' }])),
    ).toEqual(['kim@example.net']);
  });
});
