import { describe, expect, it } from 'vitest';
import { surveyPath, verifySurveySignature } from '#shared/survey/link.ts';
import { renderSurveyPage, SURVEY_PAGE_CSP, SurveyAnswer } from '#shared/survey/page.ts';

const SECRET = 'a-test-secret-of-more-than-32-characters';

describe('survey answers', () => {
  it('accepts form strings and JSON numbers; at least one score', () => {
    expect(SurveyAnswer.parse({ csat: '5', nps: '', comment: '  ' })).toEqual({ csat: 5 });
    expect(SurveyAnswer.parse({ nps: 0 })).toEqual({ nps: 0 });
    expect(SurveyAnswer.safeParse({}).success).toBe(false);
    expect(SurveyAnswer.safeParse({ comment: 'only words' }).success).toBe(false);
  });
  it('refuses scores out of range, fractions and unknown fields', () => {
    for (const bad of [
      { csat: 0 },
      { csat: 6 },
      { nps: 11 },
      { nps: -1 },
      { csat: 4.5 },
      { csat: 'x' },
      { csat: 5, vote: 1 },
    ]) {
      expect(SurveyAnswer.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('signed survey links', () => {
  const keys = { current: SECRET };
  const ticket = '01JAAAAAAAAAAAAAAAAAAAAAAA';
  const sent = new Date('2030-03-01T10:00:00Z');
  const expires = new Date('2030-03-31T10:00:00Z'); // 30 days, the default surveyLinkDays
  const sigOf = (path: string) => new URL(path, 'https://x').searchParams.get('sig')!;
  const sig = sigOf(surveyPath(keys, 'acentus', ticket, expires));

  it('verify for the desk and ticket they were made for only', () => {
    expect(verifySurveySignature(keys, 'acentus', ticket, sig, sent)).toBe('valid');
    expect(verifySurveySignature(keys, 'acentus', '01JBBBBBBBBBBBBBBBBBBBBBBB', sig, sent)).toBe('invalid');
    expect(verifySurveySignature(keys, 'techflow', ticket, sig, sent)).toBe('invalid');
    expect(verifySurveySignature({ current: `${SECRET}x` }, 'acentus', ticket, sig, sent)).toBe('invalid');
    expect(verifySurveySignature(keys, 'acentus', ticket, sig.slice(1), sent)).toBe('invalid');
  });

  it('expire at the time they carry, which cannot be moved without the key', () => {
    expect(verifySurveySignature(keys, 'acentus', ticket, sig, new Date(expires.getTime() - 1000))).toBe(
      'valid',
    );
    expect(verifySurveySignature(keys, 'acentus', ticket, sig, expires)).toBe('expired');
    // Pushing the expiry further out breaks the signature.
    const [exp, mac] = sig.split('.');
    const later = `${Number(exp) + 86_400}.${mac}`;
    expect(verifySurveySignature(keys, 'acentus', ticket, later, sent)).toBe('invalid');
  });

  it('survive a rotation while the previous key is kept, and not after it is dropped', () => {
    const rotated = { current: 'the-next-survey-key-of-more-than-32-chars', previous: SECRET };
    expect(verifySurveySignature(rotated, 'acentus', ticket, sig, sent)).toBe('valid');
    const fresh = sigOf(surveyPath(rotated, 'acentus', ticket, expires));
    expect(verifySurveySignature(rotated, 'acentus', ticket, fresh, sent)).toBe('valid');
    const dropped = { current: rotated.current };
    expect(verifySurveySignature(dropped, 'acentus', ticket, sig, sent)).toBe('invalid');
    expect(verifySurveySignature(dropped, 'acentus', ticket, fresh, sent)).toBe('valid');
  });
});

describe('survey page', () => {
  const page = renderSurveyPage({ deskName: 'Acentus <B2B>', ticketId: 'T1', state: { kind: 'form' } });
  it('labels every control and groups each scale', () => {
    expect(page.match(/<fieldset>/g)).toHaveLength(2);
    expect(page.match(/<legend>/g)).toHaveLength(2);
    expect(page.match(/<label><input type="radio" name="csat"/g)).toHaveLength(5);
    expect(page.match(/<label><input type="radio" name="nps"/g)).toHaveLength(11);
    expect(page).toContain('<label for="comment">');
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Acentus &lt;B2B&gt;');
  });
  it('runs no script; its one style block is allowed by hash', () => {
    expect(page).not.toContain('<script');
    expect(SURVEY_PAGE_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
  });
  it('shows errors in an alert', () => {
    const withErrors = renderSurveyPage({
      deskName: 'Acentus',
      ticketId: 'T1',
      state: { kind: 'form', errors: ['csat: too big'] },
    });
    expect(withErrors).toContain('<div role="alert" class="error">');
  });
});
