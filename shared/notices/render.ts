import { REPLY_ABOVE_MARKER } from '../mail/reply-text.ts';
import type { Block, NoticeContext, Template } from './templates.ts';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const paragraphHtml = (s: string) => escapeHtml(s).replace(/\n/g, '<br>\n');

/**
 * Plain text and an HTML alternative from the same blocks. Mail to customers starts with the
 * "reply above this line" marker, so the reply they write is easy to cut from the quoted history.
 */
export function renderTemplate(
  template: Template,
  ctx: NoticeContext,
  options: { replyMarker: boolean },
): RenderedMail {
  const blocks = template.body(ctx).filter((b) => b !== '');
  const text: string[] = [];
  const html: string[] = [];
  if (options.replyMarker) {
    text.push(REPLY_ABOVE_MARKER);
    html.push(`<p style="color:#888888;font-size:12px">${escapeHtml(REPLY_ABOVE_MARKER)}</p>`);
  }
  for (const block of blocks as Block[]) {
    if (typeof block === 'string') {
      text.push(block);
      html.push(`<p>${paragraphHtml(block)}</p>`);
    } else if ('list' in block) {
      text.push(block.list.map((item) => `  - ${item}`).join('\n'));
      html.push(`<ul>${block.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`);
    } else if ('quote' in block) {
      text.push(
        block.quote
          .split('\n')
          .map((l) => `  | ${l}`)
          .join('\n'),
      );
      html.push(
        `<blockquote style="border-left:3px solid #cccccc;margin:0;padding-left:12px">${paragraphHtml(block.quote)}</blockquote>`,
      );
    } else {
      text.push(`${block.link.label}: ${block.link.url}`);
      html.push(`<p><a href="${escapeHtml(block.link.url)}">${escapeHtml(block.link.label)}</a></p>`);
    }
  }
  const lang = escapeHtml(ctx.lang);
  return {
    subject: template
      .subject(ctx)
      .replace(/[\r\n]+/g, ' ')
      .slice(0, 300),
    text: `${text.join('\n\n')}\n`,
    html: `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px;line-height:1.4">\n${html.join('\n')}\n</body></html>\n`,
  };
}
