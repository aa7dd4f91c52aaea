import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from '#local/chromium.ts';
import { type DemoResult, seedOpsDemo } from '#local/ops-demo.ts';
import { localSurveyKeyring } from '#local/survey-secret.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * The ops console in a real browser (Debian's chromium, driven by playwright-core; installed with
 * apt when missing, never downloaded) against the local stack with demo data at fixed 2031 dates.
 */
// The callbacks given to page.evaluate run in the browser; the project compiles without the DOM lib,
// so the few browser globals they use are declared here, for this file only.
declare const document: any;
declare const getComputedStyle: (el: any) => { color: string; backgroundColor: string };
declare const DOMParser: any;
type Element = any;
type HTMLInputElement = any;
type HTMLElement = any;

let t: TestStack;
let browser: Browser;
let page: Page;
let demo: DemoResult;

beforeAll(async () => {
  const executablePath = ensureChromium();
  t = await startTestStack();
  [browser, demo] = await Promise.all([
    chromium.launch({ executablePath, args: CHROMIUM_ARGS }),
    seedOpsDemo({
      apiUrl: t.url,
      surveyKeys: localSurveyKeyring(t.stack.dataDir),
      start: new Date('2031-09-15T13:00:00Z'), // a Monday; history on Thursday and Friday before
      historyDays: 4,
      historyDesks: ['techflow'],
    }),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The suite runs two e2e files at once on two cores (the fuzzers beside this one): a view that loads
  // an execution history can take longer than Playwright's default 30 s there.
  page.setDefaultTimeout(90_000);
  // Generous: on a fresh machine ensureChromium runs apt-get first.
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** WCAG relative-luminance contrast of an element's text against its first opaque background. */
async function contrastOf(selector: string): Promise<number> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
      };
      let node: Element | null = el;
      let bg = 'rgb(255, 255, 255)';
      while (node) {
        const c = getComputedStyle(node).backgroundColor;
        const parts = rgb(c);
        if (parts.length === 3 || (parts.length === 4 && parts[3]! > 0.99)) {
          bg = c;
          break;
        }
        node = node.parentElement;
      }
      const a = lum(rgb(getComputedStyle(el).color));
      const b = lum(rgb(bg));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
}

describe('the ops console', () => {
  it('signs in with a demo token and shows the queue, breached ticket first, risk as text and colour', async () => {
    await page.goto(`${t.url}/ops`);
    await expect.poll(() => page.locator('#local-token-form').isVisible()).toBe(true);
    await page.getByLabel('Desk').selectOption('techflow');
    await page.getByLabel('Role').selectOption('ops');
    await page.getByRole('button', { name: 'Get a demo token' }).click();
    await page.locator('table.queue').waitFor();
    expect(await page.locator('h1').innerText()).toBe('Queue — techflow');
    expect(await page.locator('#who').innerText()).toContain('ops on desk techflow');
    const first = page.locator('table.queue tbody tr').first();
    expect(await first.getAttribute('data-ticket')).toBe(demo.breachedTicketId);
    expect(await first.locator('.risk').innerText()).toContain('Breached');
    expect(await first.innerText()).toMatch(/overdue/);
    // Every risk badge states its level in words, not by colour alone.
    for (const text of await page.locator('tbody .risk').allInnerTexts()) {
      expect(text).toMatch(/Breached|At risk|On track|Paused|No SLA clock/);
    }
  });

  it('is usable from the keyboard: skip link, then Tab to the breached ticket and Enter opens it', {
    timeout: 180_000,
  }, async () => {
    await page.reload();
    await page.locator('table.queue').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(
        (id) => document.activeElement?.getAttribute('href') === `#/tickets/${id}`,
        demo.breachedTicketId,
      );
    }
    expect(found).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('ol.steps').first().waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await page.locator('h1').innerText()).toBe('Checkout fails with HTTP 500 for all EU customers');
  });

  it('shows which rule fired when (timeline) and what the workflow did (history steps)', {
    timeout: 180_000,
  }, async () => {
    const breach = page.locator('ol.timeline li.event-breached');
    expect(await breach.innerText()).toMatch(/breached · first response[\s\S]*target 15 calendar min missed/);
    expect(await breach.innerText()).toMatch(
      /Rule first-response\.priority1\.enterprise · applied by the workflow/,
    );
    const steps = page.locator('ol.steps > li');
    expect(await steps.first().innerText()).toContain('Execution started');
    const texts = await steps.allInnerTexts();
    expect(
      texts.some((s) =>
        /Apply due SLA actions[\s\S]*Applied: first-response #1: target 15 calendar min missed/.test(s),
      ),
    ).toBe(true);
    expect(
      texts.some((s) =>
        /Sleep until the next SLA checkpoint[\s\S]*timed out[\s\S]*Slept until the SLA checkpoint/.test(s),
      ),
    ).toBe(true);
    expect(texts.some((s) => /after the previous step/.test(s))).toBe(true);
    // Raw input and output only on demand.
    expect(await page.locator('details.io').count()).toBe(0);
    await page.getByRole('button', { name: 'Show inputs and outputs' }).click();
    await page.locator('details.io').first().waitFor();
    await page.locator('details.io summary').nth(1).click();
    expect(await page.locator('details.io pre').nth(1).innerText()).toContain(
      `"ticketId": "${demo.breachedTicketId}"`,
    );
  });

  it('draws the KPI charts with names, numbers behind each and verdicts in words', async () => {
    await page.goto(`${t.url}/ops/#/kpis?period=30d&trend=daily`);
    await page.locator('svg.chart').first().waitFor();
    const charts = page.locator('svg[role="img"]');
    expect(await charts.count()).toBeGreaterThanOrEqual(5);
    for (const svg of await charts.all()) {
      const labelledBy = (await svg.getAttribute('aria-labelledby'))!.split(' ');
      expect(await page.locator(`#${labelledBy[0]}`).textContent()).not.toBe('');
    }
    expect(await page.locator('svg .bar').count()).toBeGreaterThan(0);
    expect(await page.locator('details.chart-data').count()).toBe(await charts.count());
    const cards = await page.locator('.kpi').allInnerTexts();
    expect(cards.some((c) => /First contact resolution/.test(c))).toBe(true);
    expect(cards.every((c) => /Met|Missed|No data yet|No target in the policy/.test(c))).toBe(true);
  });

  it('meets accessibility basics: labels, one h1, landmarks, contrast', async () => {
    for (const view of ['#/queue', '#/kpis', '#/incidents', `#/tickets/${demo.breachedTicketId}`]) {
      await page.goto(`${t.url}/ops/${view}`);
      await page.locator('main h1').waitFor();
      await page.locator('main p.muted', { hasText: 'Loading' }).waitFor({ state: 'detached' });
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea')]
          .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
          .filter((el) => (el as HTMLElement).offsetParent !== null)
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled, view).toEqual([]);
      expect(await page.locator('h1').count(), view).toBe(1);
    }
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('header, nav, main').count()).toBe(3);
    await page.goto(`${t.url}/ops/#/queue`);
    await page.locator('table.queue').waitFor();
    const pairs = [
      'main p',
      'table.queue td',
      '.risk-breached',
      '.risk-on-track',
      'button',
      'a[href^="#/tickets"]',
    ];
    for (const selector of pairs) {
      expect(await contrastOf(selector), selector).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('the public status feed in a browser', () => {
  it('status.rss is well-formed RSS 2.0 (the browser’s XML parser) with dated, unique items', async () => {
    const result = await page.evaluate(async (url) => {
      const xml = await (await fetch(url)).text();
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      const error = doc.querySelector('parsererror')?.textContent ?? null;
      const channel = doc.querySelector('rss > channel');
      const items = [...doc.querySelectorAll('channel > item')].map((item) => ({
        title: item.querySelector('title')?.textContent,
        guid: item.querySelector('guid')?.textContent,
        pubDate: item.querySelector('pubDate')?.textContent,
      }));
      return {
        error,
        version: doc.documentElement.getAttribute('version'),
        title: channel?.querySelector(':scope > title')?.textContent,
        link: channel?.querySelector(':scope > link')?.textContent,
        description: channel?.querySelector(':scope > description')?.textContent,
        items,
      };
    }, `${t.url}/desks/techflow/status.rss`);
    expect(result.error).toBeNull();
    expect(result.version).toBe('2.0');
    expect(result.title).toBe('TechFlow Solutions status');
    expect(result.link).toBe(`${t.url}/desks/techflow/status.json`);
    expect(result.description).toMatch(/Incidents affecting/);
    expect(result.items).toHaveLength(1);
    const [item] = result.items;
    expect(item!.title).toBe('Investigating: Checkout errors in the EU region');
    expect(new Date(item!.pubDate!).getUTCFullYear()).toBe(2031);
    expect(item!.guid).toMatch(/^urn:tierdesk:techflow:incident:/);
  });
});
