// The demo's pages reload themselves (web/pages.tsx, liveReloadScript): in Chromium, a page that
// refreshes every second reloads, stops when the reader pauses it (for the rest of the tab's
// session), waits while they type, and still refreshes with JavaScript off; axe finds nothing; on a
// phone the floating button leaves the page's last line uncovered.
import { Hono } from 'hono';
import { raw } from 'hono/html';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Layout } from '../../src/web/pages.js';
import { axeViolations, launchChromium, serveOnLoopback } from '../harness/browser.js';

let browser: Browser;
let base: string;
let close: () => void;
let served = 0;

beforeAll(async () => {
  const app = new Hono();
  app.get('/', (c) => {
    served += 1;
    const children = raw('<main><h1>Live</h1><label>Order <input name="order"></label></main>');
    return c.html(String(Layout({ title: 'Live', refreshSeconds: 1, children })));
  });
  app.get('/long', (c) => {
    const lines = Array.from({ length: 60 }, (_, i) => `<p id="line-${i}">Scan ${i}: arrived at a facility</p>`).join('');
    return c.html(String(Layout({ title: 'Long', refreshSeconds: 60, children: raw(`<main><h1>Long</h1>${lines}</main>`) })));
  });
  ({ base, close } = await serveOnLoopback(app.fetch));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  close?.();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Whether the page reloads within `ms`; resolves as soon as it has (so the next step has the interval to act in). */
async function reloadsWithin(page: Page, ms: number): Promise<boolean> {
  return page.waitForEvent('load', { timeout: ms }).then(
    () => true,
    () => false,
  );
}

describe('a page that follows something live', () => {
  it('reloads itself, pauses and resumes at the reader’s word (remembered on reload), and waits while they type', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base);
    expect(await page.locator('#live-updates').textContent()).toBe('Pause live updates (every 1 s)');
    expect(await reloadsWithin(page, 2_500)).toBe(true);

    await page.locator('#live-updates').click();
    expect(await page.locator('#live-updates').textContent()).toBe('Resume live updates');
    expect(await reloadsWithin(page, 2_500)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.reload();
    expect(await page.locator('#live-updates').textContent()).toBe('Resume live updates');
    expect(await reloadsWithin(page, 2_500)).toBe(false);

    await page.locator('#live-updates').click();
    expect(await reloadsWithin(page, 2_500)).toBe(true);

    await page.locator('input[name=order]').fill('NW-100');
    expect(await reloadsWithin(page, 2_500)).toBe(false);
    expect(await page.locator('input[name=order]').inputValue()).toBe('NW-100');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await reloadsWithin(page, 2_500)).toBe(true);
    await context.close();
  });

  it('leaves the last line readable on a phone: scrolled to the end, the button covers none of it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 664 } });
    const page = await context.newPage();
    await page.goto(`${base}/long`);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = (await page.locator('#line-59').boundingBox())!;
    const button = (await page.locator('#live-updates').boundingBox())!;
    expect(button.y + button.height).toBeLessThanOrEqual(664);
    expect(last.y + last.height).toBeLessThanOrEqual(button.y);
    await context.close();
  });

  it('refreshes without JavaScript too, with no button to show', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const before = served;
    await page.goto(base);
    await pause(2_700);
    expect(served - before).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#live-updates').isVisible()).toBe(false);
    await context.close();
  });
});
