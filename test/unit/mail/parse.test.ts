import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAIL_LIMITS,
  type InboundMail,
  inboundDedupeKey,
  parseInboundMail,
} from '#shared/mail/parse.ts';
import { extractNewTicketText } from '#shared/mail/reply-text.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url));

async function parse(name: string): Promise<InboundMail> {
  const result = await parseInboundMail(fixture(name));
  if (!result.ok) throw new Error(result.reason);
  return result.mail;
}

describe('parsing real MIME', () => {
  it('multipart/alternative: text, sanitised HTML, ids and language', async () => {
    const mail = await parse('multipart-alternative.eml');
    expect(mail).toMatchObject({
      subject: 'Printer on fire',
      from: { address: 'pat@example.com', name: 'Pat Example' },
      to: ['support@techflowsolutions.com'],
      messageId: '<CAF1x2y3-alt@mail.example.com>',
      language: 'en',
    });
    expect(mail.text).toContain('The office printer is on fire again.');
    expect(mail.html).toContain('<b>on fire</b>');
    expect(extractNewTicketText(mail.text).text).not.toContain('ACME Corp | +1 555 0100');
  });

  it('HTML only: text comes from the sanitised HTML; scripts, handlers, frames, pixels and javascript: links are gone', async () => {
    const mail = await parse('html-only.eml');
    expect(mail.text).toBe(
      'The login page shows Error 500.\n\nclick or status [https://status.example.org/]',
    );
    for (const banned of [
      '<script',
      'onclick',
      '<iframe',
      'tracker.example.net',
      'javascript:',
      '<style',
      '<img',
    ])
      expect(mail.html).not.toContain(banned);
    expect(mail.html).toContain('rel="noopener noreferrer nofollow"');
  });

  it('attachments: allowed types kept with digests, executables refused, paths stripped from names', async () => {
    const mail = await parse('attachments.eml');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['screenshot.png', 'image/png'],
      ['invoice.pdf', 'application/pdf'],
      ['passwd.txt', 'text/plain'],
    ]);
    expect(mail.attachments[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(mail.refusedAttachments).toEqual([
      {
        filename: 'update.exe',
        contentType: 'application/octet-stream',
        size: 9,
        reason: 'executable or script file type',
      },
    ]);
  });

  it('attachment limits: size and count are enforced per mail', async () => {
    const result = await parseInboundMail(fixture('attachments.eml'), {
      ...DEFAULT_MAIL_LIMITS,
      maxAttachmentBytes: 60,
      maxAttachments: 1,
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.mail.attachments.map((a) => a.filename)).toEqual(['invoice.pdf']);
    expect(result.mail.refusedAttachments.map((r) => r.reason)).toEqual([
      'larger than 60 bytes',
      'executable or script file type',
      'more than 1 attachments',
    ]);
  });

  it('ISO-8859-1 body and RFC 2047 Q-encoded subject and sender', async () => {
    const mail = await parse('iso-8859-1.eml');
    expect(mail.subject).toBe('Café en panne à la réception');
    expect(mail.from.name).toBe('Amélie Dupré');
    expect(mail.text).toContain('Le café de la réception ne fonctionne plus depuis ce matin.');
    expect(mail.language).toBe('fr');
  });

  it('Shift_JIS body and ISO-2022-JP subject', async () => {
    const mail = await parse('shift-jis.eml');
    expect(mail.subject).toBe('ログインできません');
    expect(mail.from.name).toBe('山田 太郎');
    expect(mail.text).toContain('エラーコードは E401 です。');
  });

  it('an encoded-word subject split over folded lines, with an emoji', async () => {
    const mail = await parse('encoded-word-subject.eml');
    expect(mail.subject).toBe('Überweisung fehlgeschlagen 💳 Konto 4711');
    expect(mail.from.name).toBe('Jürgen Müller');
  });

  it('a forwarded mail keeps the forwarded content in a new ticket', async () => {
    const mail = await parse('forwarded.eml');
    const text = extractNewTicketText(mail.text).text;
    expect(text).toContain('---------- Forwarded message ---------');
    expect(text).toContain('Dashboards have been down since 10:15 for all 40 users.');
  });

  it('a huge body parses; a message over the raw limit is refused before parsing', async () => {
    const mail = await parse('huge-body.eml');
    expect(mail.text.length).toBeGreaterThan(300_000);
    const refused = await parseInboundMail(fixture('huge-body.eml'), {
      ...DEFAULT_MAIL_LIMITS,
      maxRawBytes: 100_000,
    });
    expect(refused).toEqual({ ok: false, reason: expect.stringMatching(/exceeds the 100000-byte limit/) });
  });

  it('malformed mail: no From is refused with the reason; a broken multipart still yields its text', async () => {
    expect(await parseInboundMail(fixture('malformed-no-from.eml'))).toEqual({
      ok: false,
      reason: 'no From header',
    });
    const broken = await parse('malformed-mime.eml');
    expect(broken.text).toBe('Hello, the body is here but the MIME is broken.');
  });

  it('dedupe key: the same message redelivered (other transport headers) has the same key; other content does not', async () => {
    const raw = fixture('multipart-alternative.eml');
    const again = Buffer.concat([
      Buffer.from('Received: from mx2.example.net by inbound-smtp\r\nX-SES-Receipt: abc\r\n'),
      raw,
    ]);
    const a = await parseInboundMail(raw);
    const b = await parseInboundMail(again);
    const c = await parseInboundMail(
      Buffer.from(raw.toString('utf8').replace('on fire again', 'smoking again')),
    );
    if (!a.ok || !b.ok || !c.ok) throw new Error('parse failed');
    expect(inboundDedupeKey(b.mail)).toBe(inboundDedupeKey(a.mail));
    expect(inboundDedupeKey(c.mail)).not.toBe(inboundDedupeKey(a.mail));
  });
});
