/**
 * Trims what a mail client adds around a customer's words: the quoted history below (or above) a
 * reply and the signature. Used on replies to existing tickets (the history is already on the
 * ticket); a new ticket keeps forwarded content and only loses its signature. When trimming would
 * leave nothing, the text is kept whole: losing a customer's words is worse than a long message.
 */

/** Our own marker in outbound mail; everything below it is history. */
export const REPLY_ABOVE_MARKER = '##- Please type your reply above this line -##';

/** Lines that start a quoted history block, in the languages customers write in. */
const QUOTE_HEADERS: RegExp[] = [
  /^On\b.{0,300}\bwrote:?\s*$/i, // Gmail, Apple Mail, Thunderbird (may wrap: handled below)
  /^Le\b.{0,300}\ba écrit\s*:?\s*$/i,
  /^Am\b.{0,300}\bschrieb\b.{0,100}:?\s*$/i,
  /^El\b.{0,300}\bescribió:?\s*$/i,
  /^Il giorno\b.{0,300}\bha scritto:?\s*$/i,
  /^Op\b.{0,300}\bschreef\b.{0,100}:?\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Message d'origine\s*-{2,}\s*$/i,
  /^-{2,}\s*Ursprüngliche Nachricht\s*-{2,}\s*$/i,
  /^_{20,}\s*$/, // Outlook's rule above "From: … Sent: …"
  /^From:\s.+$/i, // Outlook header block (confirmed below by a Sent:/Date: line)
];

const SIGNATURE_LINES: RegExp[] = [
  /^Sent from my (iPhone|iPad|Android|mobile|phone|Galaxy|BlackBerry)\b.*$/i,
  /^Sent from (Mail|Outlook) for (Windows|iOS|Android)\b.*$/i,
  /^Get Outlook for (iOS|Android)\b.*$/i,
  /^Envoyé de mon (iPhone|iPad)\b.*$/i,
  /^Von meinem (iPhone|iPad) gesendet\b.*$/i,
];

const FORWARD_HEADERS: RegExp[] = [
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^Begin forwarded message:\s*$/i,
  /^-{2,}\s*Message transféré\s*-{2,}\s*$/i,
  /^-{2,}\s*Weitergeleitete Nachricht\s*-{2,}\s*$/i,
];

export interface TrimmedText {
  text: string;
  /** What was removed, for the stored message's metadata (`quoted-history`, `signature`). */
  removed: string[];
}

function normalise(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

function isQuoteHeader(lines: string[], i: number): boolean {
  const line = lines[i]!.trim();
  // "On Tue, 3 Mar 2026 at 10:01, Pat <pat@example.com>\nwrote:" wraps in some clients.
  const joined = `${line} ${lines[i + 1]?.trim() ?? ''}`.trim();
  for (const re of QUOTE_HEADERS) {
    if (re.source.startsWith('^From:')) {
      const previous =
        lines
          .slice(0, i)
          .reverse()
          .find((l) => l.trim() !== '')
          ?.trim() ?? '';
      if (FORWARD_HEADERS.some((f) => f.test(previous))) continue; // a forward's header, not history
      if (
        re.test(line) &&
        lines.slice(i + 1, i + 5).some((l) => /^(Sent|Date|Envoyé|Gesendet):\s/i.test(l.trim()))
      )
        return true;
      continue;
    }
    if (re.test(line)) return true;
    if (/^(On|Le|Am|El)\b/i.test(line) && !/wrote:|a écrit|schrieb|escribió/i.test(line) && re.test(joined))
      return true;
  }
  return false;
}

/** Removes the quoted history of a reply: our marker, a quote header and below, or a trailing `>` block. */
export function stripQuotedHistory(text: string): TrimmedText {
  const lines = normalise(text);
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.includes(REPLY_ABOVE_MARKER) || isQuoteHeader(lines, i)) {
      cut = i;
      break;
    }
  }
  // A trailing block of quoted lines (`> …`, blank lines allowed) without a header.
  let end = cut;
  while (end > 0 && (lines[end - 1]!.trim() === '' || lines[end - 1]!.trimStart().startsWith('>'))) end--;
  const hadQuotedTail = lines.slice(end, cut).some((l) => l.trimStart().startsWith('>'));
  const keepTo = hadQuotedTail ? end : cut;
  const kept = lines.slice(0, keepTo).join('\n').trim();
  if (keepTo === lines.length || kept === '') return { text: lines.join('\n').trim(), removed: [] };
  return { text: kept, removed: ['quoted-history'] };
}

/** Removes a signature: from an RFC 3676 `-- ` line or a "Sent from my …" line to the end. */
export function stripSignature(text: string): TrimmedText {
  const lines = normalise(text);
  // Never cut inside forwarded content: only look above the first forward header.
  const forwardAt = lines.findIndex((l) => FORWARD_HEADERS.some((re) => re.test(l.trim())));
  const limit = forwardAt < 0 ? lines.length : forwardAt;
  for (let i = 0; i < limit; i++) {
    const raw = lines[i]!;
    const delimiter = raw === '-- ' || raw === '--';
    if (delimiter || SIGNATURE_LINES.some((re) => re.test(raw.trim()))) {
      const kept = [...lines.slice(0, i), ...lines.slice(limit)].join('\n').trim();
      if (kept === '') break;
      return { text: kept, removed: ['signature'] };
    }
  }
  return { text: lines.join('\n').trim(), removed: [] };
}

/** A reply to an existing ticket: history and signature go. */
export function extractReply(text: string): TrimmedText {
  const history = stripQuotedHistory(text);
  const signature = stripSignature(history.text);
  return { text: signature.text, removed: [...history.removed, ...signature.removed] };
}

/** The first message of a new ticket: forwarded content stays; only the signature goes. */
export function extractNewTicketText(text: string): TrimmedText {
  return stripSignature(text);
}
