import type { ConsentLinkState } from './consent-service.ts';

/** The page behind a consent link: no script, no style, posts only to itself. */
export const CONSENT_PAGE_CSP =
  "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title></head><body>\n<h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>\n`;

/** The question with both answers (the link's `decision` preselects the first button), or the outcome. */
export function renderConsentPage(
  state: ConsentLinkState,
  suggested: 'grant' | 'refuse' | undefined,
): string {
  if (state.kind === 'invalid-link') {
    return page(
      'Link not valid',
      '<p>This link is not valid. Use the latest mail from support, or answer in your account.</p>',
    );
  }
  if (state.kind === 'not-found') return page('Request not found', '<p>We cannot find this request.</p>');
  const { consent, subject, deskName } = state;
  const title = `${deskName}: permission for "${subject}"`;
  if (state.kind === 'expired') {
    return page(
      title,
      `<p>This request could be answered until ${escapeHtml(consent.answerBy)}. Nothing was opened.</p>`,
    );
  }
  if (state.kind === 'decided') {
    const outcome =
      consent.state === 'granted'
        ? `You agreed. The permission lasts until ${escapeHtml(consent.expiresAt ?? '')}; every opening is recorded.`
        : `Your answer: ${escapeHtml(consent.state)}. Nothing will be opened under this request.`;
    return page(title, `<p>${outcome}</p>`);
  }
  const order = suggested === 'refuse' ? (['refuse', 'grant'] as const) : (['grant', 'refuse'] as const);
  const label = { grant: 'I agree', refuse: 'I refuse' };
  const buttons = order
    .map((d) => `<button type="submit" name="decision" value="${d}">${label[d]}</button>`)
    .join(' ');
  return page(
    title,
    `<p>Support asks to open: ${escapeHtml(consent.scope.join(', '))}.</p>\n<p>Why: ${escapeHtml(consent.reason)}</p>\n<form method="post">${buttons}</form>`,
  );
}
