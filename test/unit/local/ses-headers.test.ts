import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { headersOf } from '#local/mail/ses-endpoint.ts';
import { composeMail } from '#shared/notices/compose.ts';

/** The outbox's headers, as a second full parse of the final message gave them. */
async function headersByParsing(raw: string): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const { key, line } of (await simpleParser(raw)).headerLines) {
    if (!(key in headers))
      headers[key] = line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
  }
  return headers;
}

describe('local SES outbox headers', () => {
  it('reads the header block as a full parse does: folded lines, repeated fields, non-ASCII words', async () => {
    const references = Array.from(
      { length: 8 },
      (_, i) => `<thread-${i}.01JH0000000000000000000000@example.com>`,
    );
    const raw = (
      await composeMail({
        from: { name: 'TechFlow Support ünd Co', address: 'support@techflowsolutions.com' },
        to: ['alice@example.com', 'bob@example.org'],
        replyTo: 'reply+abc@techflowsolutions.com',
        subject: `Re: ${'a long subject that folds '.repeat(6)}[#01JH0000000000000000000000] — ✓`,
        text: 'Hi\r\nSubject: not a header, a body line',
        html: '<p>Hi</p>',
        messageId: '<t.01JH0000000000000000000000.1@techflowsolutions.com>',
        actionId: 'reply:1',
        inReplyTo: references[0]!,
        references,
        date: new Date('2020-01-01T00:00:00Z'),
        language: 'en',
        autoSubmitted: 'auto-replied',
        ticketId: '01JH0000000000000000000000',
      })
    ).toString('utf8');
    const withRepeat = `Received: first\r\n${raw.replace(/\r\n\r\n/, '\r\nReceived: second\r\n\r\n')}`;
    expect(withRepeat).toMatch(/\r\n[ \t]/); // some header is folded
    const headers = headersOf(withRepeat);
    expect(headers).toEqual(await headersByParsing(withRepeat));
    expect(headers.received).toBe('first');
    expect(headers).not.toHaveProperty('hi');
  });
});
