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
  const path = surveyPath(SECRET, 'acentus', '01JAAAAAAAAAAAAAAAAAAAAAAA');
  const sig = new URL(path, 'https://x').searchParams.get('sig')!;
  it('verify for the desk and ticket they were made for only', () => {
    expect(verifySurveySignature(SECRET, 'acentus', '01JAAAAAAAAAAAAAAAAAAAAAAA', sig)).toBe(true);
    expect(verifySurveySignature(SECRET, 'acentus', '01JBBBBBBBBBBBBBBBBBBBBBBB', sig)).toBe(false);
    expect(verifySurveySignature(SECRET, 'techflow', '01JAAAAAAAAAAAAAAAAAAAAAAA', sig)).toBe(false);
    expect(verifySurveySignature(`${SECRET}x`, 'acentus', '01JAAAAAAAAAAAAAAAAAAAAAAA', sig)).toBe(false);
    expect(verifySurveySignature(SECRET, 'acentus', '01JAAAAAAAAAAAAAAAAAAAAAAA', sig.slice(1))).toBe(false);
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
