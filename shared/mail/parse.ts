import { createHash } from 'node:crypto';
import { type AddressObject, type Attachment, simpleParser } from 'mailparser';
import { htmlToPlainText, sanitizeMailHtml } from './sanitize.ts';

/** What the inbound path accepts. SES itself bounces mail above 40 MB at the S3 action. */
export interface MailLimits {
  maxRawBytes: number;
  maxAttachmentBytes: number;
  maxAttachmentsTotalBytes: number;
  maxAttachments: number;
}

export const DEFAULT_MAIL_LIMITS: MailLimits = {
  maxRawBytes: 30 * 1024 * 1024,
  maxAttachmentBytes: 10 * 1024 * 1024,
  maxAttachmentsTotalBytes: 25 * 1024 * 1024,
  maxAttachments: 20,
};

/** Attachment types kept with a ticket; anything else is recorded as refused. */
const ALLOWED_TYPES = [
  /^image\/(png|jpeg|gif|webp|bmp|tiff|heic|heif)$/,
  /^text\/(plain|csv|calendar|x-log)$/,
  /^application\/(pdf|json|xml|zip|gzip|x-gzip|x-7z-compressed|rtf)$/,
  /^application\/vnd\.openxmlformats-officedocument\.(wordprocessingml|spreadsheetml|presentationml)\./,
  /^application\/(msword|vnd\.ms-excel|vnd\.ms-powerpoint|vnd\.oasis\.opendocument\.(text|spreadsheet|presentation))$/,
  /^message\/rfc822$/,
  /^video\/(mp4|quicktime|webm)$/,
];
/** Executable or script extensions are refused whatever type the sender declares. */
const BLOCKED_EXTENSIONS =
  /\.(exe|com|bat|cmd|scr|pif|msi|msp|dll|cpl|js|jse|vbs|vbe|wsf|wsh|ps1|psm1|hta|jar|lnk|reg|iso|img|vhd|sh|app|dmg)$/i;

export interface MailAddress {
  address: string;
  name: string | undefined;
}

export interface AcceptedAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  inline: boolean;
  content: Buffer;
}

export interface RefusedAttachment {
  filename: string;
  contentType: string;
  size: number;
  reason: string;
}

export interface InboundMail {
  /** `<id@host>` as sent, or undefined when the mail has none. */
  messageId: string | undefined;
  inReplyTo: string[];
  references: string[];
  from: MailAddress;
  replyTo: MailAddress | undefined;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  /** Sanitised HTML body, when the mail has one. */
  html: string | undefined;
  date: string | undefined;
  /** Primary language tag from Content-Language / Accept-Language, e.g. `fr`. */
  language: string | undefined;
  /** First value of each header, by lower-case name (for loop detection and records). */
  headers: ReadonlyMap<string, string>;
  contentType: string | undefined;
  attachments: AcceptedAttachment[];
  refusedAttachments: RefusedAttachment[];
  /** SHA-256 of the content (subject, text, HTML, attachment digests): stable across redeliveries. */
  bodyHash: string;
}

export type ParseOutcome = { ok: true; mail: InboundMail } | { ok: false; reason: string };

/** `<a@b>` for a Message-ID-ish value; undefined for an empty or absurd one. */
export function normaliseMessageId(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v || v.length > 998) return undefined;
  const inner = v.replace(/^<+/, '').replace(/>+$/, '').trim();
  if (!inner || /\s/.test(inner)) return undefined;
  return `<${inner}>`;
}

function idList(value: string | string[] | undefined): string[] {
  const raw = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return (raw.match(/<[^<>\s]+>/g) ?? [])
    .map((id) => normaliseMessageId(id))
    .filter((id) => id !== undefined);
}

function addresses(obj: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = Array.isArray(obj) ? obj : obj ? [obj] : [];
  const out: MailAddress[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.group) visit(e.group);
      else if (e.address && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e.address))
        out.push({ address: e.address.toLowerCase(), name: e.name?.trim() || undefined });
    }
  };
  for (const o of list) visit(o.value);
  return out;
}

function headerMap(lines: ReadonlyArray<{ key: string; line: string }>): Map<string, string> {
  const map = new Map<string, string>();
  for (const { key, line } of lines) {
    const name = key.toLowerCase();
    if (map.has(name)) continue;
    const colon = line.indexOf(':');
    map.set(
      name,
      line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
  }
  return map;
}

function languageOf(headers: ReadonlyMap<string, string>): string | undefined {
  const tag = (headers.get('content-language') ?? headers.get('accept-language'))?.split(/[,;]/)[0]?.trim();
  const m = tag ? /^([a-z]{2,3})(?:-|$)/i.exec(tag) : null;
  return m?.[1]?.toLowerCase();
}

function judgeAttachments(list: Attachment[], limits: MailLimits) {
  const accepted: AcceptedAttachment[] = [];
  const refused: RefusedAttachment[] = [];
  let total = 0;
  for (const [i, a] of list.entries()) {
    const contentType = (a.contentType || 'application/octet-stream').toLowerCase();
    const filename = safeFilename(a.filename, i, contentType);
    const size = a.content.length;
    let reason: string | undefined;
    if (BLOCKED_EXTENSIONS.test(filename)) reason = 'executable or script file type';
    else if (!ALLOWED_TYPES.some((re) => re.test(contentType)))
      reason = `type ${contentType} is not accepted`;
    else if (size > limits.maxAttachmentBytes) reason = `larger than ${limits.maxAttachmentBytes} bytes`;
    else if (accepted.length >= limits.maxAttachments)
      reason = `more than ${limits.maxAttachments} attachments`;
    else if (total + size > limits.maxAttachmentsTotalBytes)
      reason = `attachments together exceed ${limits.maxAttachmentsTotalBytes} bytes`;
    if (reason) {
      refused.push({ filename, contentType, size, reason });
      continue;
    }
    total += size;
    accepted.push({
      filename,
      contentType,
      size,
      sha256: createHash('sha256').update(a.content).digest('hex'),
      inline: a.contentDisposition === 'inline' || a.related === true,
      content: a.content,
    });
  }
  return { accepted, refused };
}

/** True when the message has a text/plain body part (or is plain text with no Content-Type at all). */
function hasPlainTextPart(raw: Buffer): boolean {
  const head = raw.subarray(0, Math.min(raw.length, 2 * 1024 * 1024)).toString('latin1');
  const headerEnd = head.search(/\r?\n\r?\n/);
  const topHeaders = headerEnd < 0 ? head : head.slice(0, headerEnd);
  if (!/^content-type:/im.test(topHeaders)) return true;
  return /^content-type:\s*text\/plain/im.test(head);
}

/** The first text part with an inline disposition, however malformed the rest of that header. */
function inlineBodyPart(parts: Attachment[]): Attachment | undefined {
  return parts.find(
    (a) => /^text\/(html|plain)$/i.test(a.contentType) && /^\s*inline\b/i.test(a.contentDisposition ?? ''),
  );
}

/** An attachment's bytes as text, in the charset its Content-Type names (UTF-8 when unknown). */
function decodePart(part: Attachment): string {
  const type = part.headers.get('content-type') as { params?: Record<string, unknown> } | undefined;
  const charset = typeof type?.params?.charset === 'string' ? type.params.charset : 'utf-8';
  try {
    return new TextDecoder(charset).decode(part.content);
  } catch {
    return new TextDecoder('utf-8').decode(part.content);
  }
}

/** A file name safe as an object-key segment: no paths, no control characters, bounded. */
export function safeFilename(name: string | undefined, index: number, contentType: string): string {
  const base = (name ?? '')
    .replace(/^.*[\\/]/, '')
    .normalize('NFC')
    .replace(/[\p{Cc}"*:<>?|]/gu, '_')
    .trim()
    .slice(-120);
  if (base && base !== '.' && base !== '..') return base;
  const ext =
    contentType
      .split('/')[1]
      ?.replace(/[^a-z0-9]/gi, '')
      .slice(0, 8) || 'bin';
  return `attachment-${index + 1}.${ext}`;
}

/**
 * Parses raw MIME (mailparser: charsets, encoded words, multipart) into what the ticket needs.
 * Mail without a usable From address is malformed: there is nobody to answer.
 */
export async function parseInboundMail(
  raw: Buffer,
  limits: MailLimits = DEFAULT_MAIL_LIMITS,
): Promise<ParseOutcome> {
  if (raw.length > limits.maxRawBytes) {
    return {
      ok: false,
      reason: `message of ${raw.length} bytes exceeds the ${limits.maxRawBytes}-byte limit`,
    };
  }
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, {
      skipImageLinks: true,
      skipTextToHtml: true,
      maxHtmlLengthToParse: 2_000_000,
    });
  } catch (error) {
    return { ok: false, reason: `MIME could not be parsed: ${(error as Error).message}` };
  }
  const headers = headerMap(parsed.headerLines ?? []);
  const from = addresses(parsed.from)[0];
  if (!from) {
    return {
      ok: false,
      reason: headers.has('from')
        ? `From header has no valid address (${headers.get('from')})`
        : 'no From header',
    };
  }
  let parts = parsed.attachments ?? [];
  let rawHtml = typeof parsed.html === 'string' && parsed.html.trim() ? parsed.html : undefined;
  let rawText = parsed.text ?? '';
  // A body part the sender marked inline that mailparser still filed as an attachment (its
  // disposition did not read as plain `inline`) is the text when the mail has no other.
  const bodyPart = !rawHtml && !rawText.trim() ? inlineBodyPart(parts) : undefined;
  if (bodyPart) {
    parts = parts.filter((a) => a !== bodyPart);
    if (bodyPart.contentType.toLowerCase() === 'text/html') rawHtml = decodePart(bodyPart);
    else rawText = decodePart(bodyPart);
  }
  const html = rawHtml?.trim() ? sanitizeMailHtml(rawHtml) : undefined;
  // Without a text/plain body mailparser derives the text from the raw HTML (script and tracking
  // URLs included) or, when the HTML sits beside a text/plain attachment, gives none; derive it
  // from the sanitised HTML instead.
  const htmlOnly = html !== undefined && (!hasPlainTextPart(raw) || !rawText.trim());
  const text = (htmlOnly ? htmlToPlainText(html) : rawText).replace(/\r\n?/g, '\n').trim();
  const subject = (parsed.subject ?? '').replace(/\s+/g, ' ').trim();
  const { accepted, refused } = judgeAttachments(parts, limits);
  const hash = createHash('sha256');
  hash.update(`${subject}\u0000${text}\u0000${html ?? ''}`);
  for (const a of [...accepted.map((a) => a.sha256), ...refused.map((r) => `${r.filename}:${r.size}`)].sort())
    hash.update(`\u0000${a}`);
  return {
    ok: true,
    mail: {
      messageId: normaliseMessageId(parsed.messageId),
      inReplyTo: idList(parsed.inReplyTo),
      references: idList(parsed.references),
      from,
      replyTo: addresses(parsed.replyTo)[0],
      to: addresses(parsed.to).map((a) => a.address),
      cc: addresses(parsed.cc).map((a) => a.address),
      subject,
      text,
      html,
      date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : undefined,
      language: languageOf(headers),
      headers,
      contentType: headers.get('content-type'),
      attachments: accepted,
      refusedAttachments: refused,
      bodyHash: hash.digest('hex'),
    },
  };
}

/** Key that makes a redelivered message a no-op: its Message-ID and content, per desk. */
export function inboundDedupeKey(
  mail: Pick<InboundMail, 'messageId' | 'bodyHash' | 'from' | 'date'>,
): string {
  const id = mail.messageId ?? `no-message-id:${mail.from.address}:${mail.date ?? ''}`;
  return createHash('sha256').update(`${id}\n${mail.bodyHash}`).digest('hex').slice(0, 40);
}
