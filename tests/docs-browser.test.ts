/**
 * The docs page as a person uses it: Debian's Chromium (driven by playwright-core)
 * opens /docs, expands POST /v1/score, "Try it out", "Execute", and reads the real
 * response in the page. The screenshot is kept at artifacts/docs-try-it-out.png.
 */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../bench/lib.ts';

const CHROMIUM = '/usr/bin/chromium';
const absent = !fs.existsSync(CHROMIUM);
if (absent) console.warn(`docs browser test SKIPPED: ${CHROMIUM} is absent (apt-get install chromium)`);

describe.skipIf(absent)('GET /docs in Chromium', () => {
  let server: { app: FastifyInstance; url: string };
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ logLevel: 'silent' }),
      chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // This machine has no network beyond loopback: keep Chromium from calling home.
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
  });

  it('"Try it out" on POST /v1/score shows the real scoring response', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(`${server.url}/docs`);
    const operation = page.locator('.opblock-post').filter({ has: page.locator('[data-path="/v1/score"]') });
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();

    const live = operation.locator('.live-responses-table');
    await expect.poll(() => live.locator('tr.response .response-col_status').first().textContent(), { timeout: 30_000 }).toMatch(/200/);
    const shown = await live.locator('tr.response .response-col_description pre').first().textContent();
    const body = JSON.parse(shown!);
    // The request body is the schema's example: think-format on one group of two completions.
    expect(body.groups[0].id).toBe('q1');
    expect(body.groups[0].completions.map((c: { reward: number }) => c.reward)).toEqual([1, 0]);
    expect(body.groups[0].completions[0].rewards['think-format'].version).toBe('think-format@3');

    await live.scrollIntoViewIfNeeded();
    fs.mkdirSync('artifacts', { recursive: true });
    await page.screenshot({ path: 'artifacts/docs-try-it-out.png', fullPage: false });
    expect(fs.statSync('artifacts/docs-try-it-out.png').size).toBeGreaterThan(10_000);
  }, 90_000);
});
