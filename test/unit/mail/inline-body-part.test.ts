import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type InboundMail, parseInboundMail } from '#shared/mail/parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url));

async function parse(name: string): Promise<InboundMail> {
  const result = await parseInboundMail(fixture(name));
  if (!result.ok) throw new Error(result.reason);
  return result.mail;
}

describe('a mail whose only text is an inline HTML part with a file name', () => {
  it('beside a text/plain attachment: the text comes from the sanitised HTML part', async () => {
    const mail = await parse('inline-html-part.eml');
    expect(mail.text).toBe('The export button does nothing in Café mode.\n\nAccount ACME-7.');
    expect(mail.html).toContain('Café mode');
    expect(mail.html).not.toContain('<script');
    // The real attachment stays an attachment.
    expect(mail.attachments.map((a) => a.filename)).toEqual(['diagnostics.txt']);
  });

  it('with a disposition mailparser files as an attachment: it is the body, not a refused attachment', async () => {
    const mail = await parse('inline-html-part-odd-disposition.eml');
    expect(mail.text).toBe('The import stalls at 99 % in Café mode.');
    expect(mail.html).toContain('Café mode');
    expect(mail.html).not.toContain('tracker.example.net');
    expect(mail.attachments).toEqual([]);
    expect(mail.refusedAttachments).toEqual([]);
  });

  it('a real HTML attachment beside a text body stays an attachment', async () => {
    const raw = [
      'From: Sam <sam@example.org>',
      'To: support@techflowsolutions.com',
      'Subject: report',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the report.',
      '--b',
      'Content-Type: text/html; name="report.html"',
      'Content-Disposition: attachment; filename="report.html"',
      '',
      '<p>report</p>',
      '--b--',
    ].join('\r\n');
    const result = await parseInboundMail(Buffer.from(raw));
    if (!result.ok) throw new Error(result.reason);
    expect(result.mail.text).toBe('See the report.');
    expect(result.mail.refusedAttachments.map((a) => a.filename)).toEqual(['report.html']);
  });
});
