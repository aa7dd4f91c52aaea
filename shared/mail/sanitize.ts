import sanitizeHtml from 'sanitize-html';

/**
 * HTML from customers' mail clients, made safe to show to agents: formatting survives; scripts,
 * styles, forms, frames, event handlers, remote images (tracking pixels) and non-web link schemes
 * do not. Inline images (`cid:`) are attachments and are listed as such, so `<img>` goes entirely.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'div',
    'span',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'sub',
    'sup',
    'small',
    'blockquote',
    'pre',
    'code',
    'hr',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'a',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head'],
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
  },
};

/** Largest HTML body kept (characters, after sanitising); longer bodies are cut at a tag boundary. */
export const MAX_SANITISED_HTML_CHARS = 512 * 1024;

export function sanitizeMailHtml(html: string): string {
  const clean = sanitizeHtml(html, OPTIONS).trim();
  if (clean.length <= MAX_SANITISED_HTML_CHARS) return clean;
  const cut = clean.lastIndexOf('<', MAX_SANITISED_HTML_CHARS);
  return sanitizeHtml(clean.slice(0, cut > 0 ? cut : MAX_SANITISED_HTML_CHARS), OPTIONS);
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/**
 * Plain text of sanitised HTML, for mail that has no text part: block elements become line
 * breaks and links keep their address, so the agent sees what the customer saw (nothing the
 * sanitiser removed, such as script or tracking-pixel URLs, comes back).
 */
export function htmlToPlainText(safeHtml: string): string {
  const marked = safeHtml
    .replace(/<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) =>
      label.replace(/<[^>]+>/g, '').trim() === href ? href : `${label} [${href}]`,
    )
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table|ul|ol|dl|dd|dt)>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ');
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {} }).replace(
    /&(#\d+|#x[0-9a-f]+|[a-z]+|#39);/gi,
    (entity, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X'))
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#') && name !== '#39') return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? entity;
    },
  );
  return text
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
