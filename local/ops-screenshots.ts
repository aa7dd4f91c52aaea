import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { Role } from '#shared/auth/principal.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { seedOpsDemo } from './ops-demo.ts';
import { ON_FREE_PORTS, startLocalStack } from './stack.ts';
import { localSurveyKeyring } from './survey-secret.ts';

/**
 * Takes the ops console screenshots in docs/: boots a throwaway local stack, seeds the demo data
 * at fixed 2031 dates on every desk, and photographs the queue, the breached ticket (conversation and
 * execution history), the KPIs of a desk whose policy sets targets, and an agent's view, with Debian's
 * chromium.   npx tsx local/ops-screenshots.ts [outDir]
 */
const outDir = resolve(process.argv[2] ?? 'docs');
const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-shots-'));
const stack = await startLocalStack({ dataDir, ...ON_FREE_PORTS });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const written: string[] = [];
try {
  const demo = await seedOpsDemo({
    apiUrl: stack.urls.api,
    surveyKeys: localSurveyKeyring(stack.dataDir),
    start: new Date('2031-09-15T13:00:00Z'),
    historyDays: 21,
  });
  await stack.settle();
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(90_000);
  const signIn = async (role: Role, desk: string) => {
    const token = await stack.identity.issueToken({ role, desk, sub: `${desk}-${role}` });
    await page.goto(`${stack.urls.api}/ops/`);
    await page.evaluate(
      `sessionStorage.clear(); sessionStorage.setItem('tierdesk.ops.token', ${JSON.stringify(token)})`,
    );
  };
  const shot = async (p: Page, name: string) => {
    await p.screenshot({ path: join(outDir, name), fullPage: true });
    written.push(name);
  };
  const open = async (hash: string, ready: string) => {
    await page.goto(`${stack.urls.api}/ops/${hash}`);
    await page.reload();
    await page.locator(ready).first().waitFor();
  };

  await signIn('lead', demo.desk);
  await open('#/queue', 'table.queue tbody tr');
  await shot(page, 'ops-queue.png');
  // Searching and sorting: the requester column, oldest first.
  await page.getByLabel('Search', { exact: true }).fill('example.com');
  await page.getByRole('button', { name: 'Age' }).click();
  await page.getByRole('button', { name: 'Age' }).click();
  await shot(page, 'ops-queue-search.png');

  await open(`#/tickets/${demo.breachedTicketId}`, 'ol.messages');
  await shot(page, 'ops-ticket.png');
  await page.getByRole('tab', { name: 'Execution history' }).click();
  await page.locator('ol.steps').first().waitFor();
  await page.getByRole('button', { name: 'Show inputs and outputs' }).click();
  await page.locator('details.io').first().waitFor();
  await page.locator('details.io summary').nth(1).click();
  await shot(page, 'ops-ticket-history.png');

  // KPIs of the desk whose guide sets four targets.
  await signIn('lead', 'rch-spyfocus');
  await open('#/kpis?period=30d&trend=daily', 'svg.chart');
  await shot(page, 'ops-kpis.png');

  // An agent: no KPI view offered; the queue and tickets as for a lead.
  await signIn('agent', 'acentus');
  await open('#/queue', 'table.queue tbody tr');
  await shot(page, 'ops-agent-queue.png');
  console.log(`Screenshots in ${outDir}: ${written.join(', ')}`);
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
// Like `npm start` on Ctrl-C: some stand-ins keep handles open after stop.
process.exit(0);
