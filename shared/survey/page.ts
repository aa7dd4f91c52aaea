/**
 * The closure survey's answer schema and its tiny HTML page (CSAT 1–5 and NPS 0–10, an optional
 * comment). The page works without JavaScript: a plain form that posts back to the signed link.
 */
import { createHash } from 'node:crypto';
import * as z from '#shared/validation/zod.ts';

const score = (min: number, max: number) =>
  z.pipe(
    z.transform((v) => (v === '' || v === null ? undefined : typeof v === 'string' ? Number(v) : v)),
    z.optional(z.number().check(z.int(), z.minimum(min), z.maximum(max))),
  );

/** One answer; form posts send strings, JSON clients numbers. At least one score is required. */
export const SurveyAnswer = z
  .strictObject({
    csat: score(1, 5),
    nps: score(0, 10),
    comment: z.pipe(
      z.transform((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v)),
      z.optional(z.string().check(z.trim(), z.maxLength(2000))),
    ),
  })
  .check(
    z.refine((a) => a.csat !== undefined || a.nps !== undefined, {
      message: 'Give a satisfaction score (1–5), a recommendation score (0–10), or both.',
      path: ['csat'],
    }),
  );
export type SurveyAnswer = z.infer<typeof SurveyAnswer>;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fff;max-width:40rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.4rem}fieldset{border:1px solid #767676;border-radius:6px;margin:0 0 1.2rem;padding:.8rem 1rem}
legend{font-weight:600;padding:0 .3rem}.scale{display:flex;flex-wrap:wrap;gap:.4rem}
.scale label{display:inline-flex;align-items:center;gap:.25rem;border:1px solid #767676;border-radius:4px;padding:.2rem .5rem}
.ends{display:flex;justify-content:space-between;font-size:.9rem;color:#4a4a4a}
textarea{width:100%;min-height:5rem;font:inherit}button{font:inherit;font-weight:600;color:#fff;background:#0b5cad;border:0;border-radius:4px;padding:.5rem 1.2rem;cursor:pointer}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}.error{color:#a1001f;font-weight:600}
`.trim();

/** The Content-Security-Policy of the page: no scripts at all, this one style block by hash. */
export const SURVEY_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export type SurveyPageState =
  | { kind: 'form'; errors?: string[] }
  | { kind: 'thanks' }
  | { kind: 'already'; submittedAt: string }
  | { kind: 'invalid-link' }
  | { kind: 'not-found' }
  | { kind: 'not-resolved' }
  | { kind: 'banned' };

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function scale(name: string, from: number, to: number, low: string, high: string, legend: string): string {
  const options = [];
  for (let n = from; n <= to; n++) {
    options.push(`<label><input type="radio" name="${name}" value="${n}"> ${n}</label>`);
  }
  return `<fieldset>
<legend>${escapeHtml(legend)}</legend>
<div class="scale">${options.join('')}</div>
<div class="ends" aria-hidden="true"><span>${from} = ${escapeHtml(low)}</span><span>${to} = ${escapeHtml(high)}</span></div>
</fieldset>`;
}

export function renderSurveyPage(input: {
  deskName: string;
  ticketId: string;
  state: SurveyPageState;
}): string {
  const { deskName, ticketId, state } = input;
  const heading = `How did ${escapeHtml(deskName)} support do?`;
  switch (state.kind) {
    case 'thanks':
      return layout(
        'Thank you',
        `<h1>Thank you</h1><p>Your answer about ticket ${escapeHtml(ticketId)} is recorded.</p>`,
      );
    case 'already':
      return layout(
        'Already answered',
        `<h1>Already answered</h1><p>We already have an answer for ticket ${escapeHtml(ticketId)} (sent ${escapeHtml(state.submittedAt)}). Each ticket records one answer, so this one was not changed. Thank you!</p>`,
      );
    case 'invalid-link':
      return layout(
        'Link not valid',
        '<h1>This survey link is not valid</h1><p>It may have been shortened or changed. Please use the link exactly as it appears in your email.</p>',
      );
    case 'not-found':
      return layout('Not found', '<h1>Survey not found</h1><p>There is no ticket for this survey link.</p>');
    case 'banned':
      return layout(
        'Support unavailable',
        '<h1>Support unavailable</h1><p>This address may no longer send answers to this desk.</p>',
      );
    case 'not-resolved':
      return layout(
        'Not resolved yet',
        '<h1>This ticket is not resolved</h1><p>We will ask for your opinion once it is resolved.</p>',
      );
    case 'form': {
      const errors = state.errors?.length
        ? `<div role="alert" class="error"><p>Please fix this:</p><ul>${state.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul></div>`
        : '';
      return layout(
        `Survey: ${deskName}`,
        `<h1>${heading}</h1>
<p>About ticket ${escapeHtml(ticketId)}. It takes ten seconds; both questions are optional, but answer at least one.</p>
${errors}
<form method="post">
${scale('csat', 1, 5, 'very dissatisfied', 'very satisfied', 'How satisfied are you with the support you received? (1–5)')}
${scale('nps', 0, 10, 'not at all likely', 'extremely likely', `How likely are you to recommend ${deskName} to a friend or colleague? (0–10)`)}
<p><label for="comment">Anything you want to tell us? (optional)</label><br><textarea id="comment" name="comment" maxlength="2000"></textarea></p>
<button type="submit">Send my answer</button>
</form>`,
      );
    }
  }
}
