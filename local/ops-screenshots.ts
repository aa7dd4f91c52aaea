import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { seedOpsDemo } from './ops-demo.ts';
import { startLocalStack } from './stack.ts';
import { localSurveyKeyring } from './survey-secret.ts';

/**
 * Takes the ops console screenshots in docs/: boots a throwaway local stack, seeds the demo data
 * at fixed 2031 dates, and photographs the queue, the breached ticket and the KPI charts with
 * Debian's chromium.   npx tsx local/ops-screenshots.ts [outDir]
 */
const outDir = resolve(process.argv[2] ?? 'docs');
const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-shots-'));
const stack = await startLocalStack({
  dataDir,
  apiPort: 0,
  dynamoPort: 0,
  s3Port: 0,
  sfnPort: 0,
  sesPort: 0,
  smtpPort: 0,
});
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const demo = await seedOpsDemo({
    apiUrl: stack.urls.api,
    surveyKeys: localSurveyKeyring(stack.dataDir),
    start: new Date('2031-09-15T13:00:00Z'),
    historyDays: 21,
  });
  await stack.settle();
  const token = await stack.identity.issueToken({ role: 'ops', desk: demo.desk });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${stack.urls.api}/ops/`);
  await page.evaluate(`sessionStorage.setItem('tierdesk.ops.token', ${JSON.stringify(token)})`);
  await page.goto(`${stack.urls.api}/ops/#/queue`);
  await page.reload();
  await page.locator('table.queue').waitFor();
  await page.screenshot({ path: join(outDir, 'ops-queue.png'), fullPage: true });
  await page.goto(`${stack.urls.api}/ops/#/tickets/${demo.breachedTicketId}`);
  await page.locator('ol.steps').first().waitFor();
  await page.getByRole('button', { name: 'Show inputs and outputs' }).click();
  await page.locator('details.io').first().waitFor();
  await page.locator('details.io summary').nth(1).click();
  await page.screenshot({ path: join(outDir, 'ops-ticket.png'), fullPage: true });
  // KPIs of the desk whose Playbook sets targets (the seed gives it the same history).
  await page.evaluate(
    `sessionStorage.setItem('tierdesk.ops.token', ${JSON.stringify(await stack.identity.issueToken({ role: 'lead', desk: 'acentus' }))})`,
  );
  await page.goto(`${stack.urls.api}/ops/#/kpis?period=30d&trend=daily`);
  await page.reload();
  await page.locator('svg.chart').first().waitFor();
  await page.screenshot({ path: join(outDir, 'ops-kpis.png'), fullPage: true });
  console.log(`Screenshots in ${outDir}: ops-queue.png, ops-ticket.png, ops-kpis.png`);
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
// Like `npm start` on Ctrl-C: some stand-ins keep handles open after stop.
process.exit(0);
