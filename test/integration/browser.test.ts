// The order page in a real browser (Debian's Chromium driven by playwright-core): it renders
// without JavaScript, asks no third party for anything, and fits a phone screen.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveOnLoopback } from '../harness/browser.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
let browser: Browser;
let base: string;
let close: () => void;

beforeAll(async () => {
  t = await createTestContext();
  ({ base, close } = await serveOnLoopback(t.app.fetch));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  close?.();
  await t?.close();
});

describe('the order page in Chromium', () => {
  it('renders the parcel and its timeline on a phone, with JavaScript off and no third-party request', async () => {
    const order = await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString() }));
    await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' });
    t.clock.advance(2 * 86_400_000);
    await t.worker.drain();
    const url = `${base}${new URL(order.json.trackingPageUrl).pathname}`;

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);

    await expect.poll(() => page.locator('h1').textContent()).toContain(`Order ${order.json.number}`);
    expect(await page.locator('.status').first().textContent()).toMatch(/On its way|Out for delivery|Delivered/);
    expect(await page.locator('ul.timeline li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('ol.stages li.done').count()).toBeGreaterThanOrEqual(2);
    // Nothing wider than the phone: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(requested.every((u) => u.startsWith(base))).toBe(true);

    const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-shots-'));
    await page.screenshot({ path: path.join(shots, 'order-page-phone.png'), fullPage: true });
    expect(fs.statSync(path.join(shots, 'order-page-phone.png')).size).toBeGreaterThan(10_000);
    await context.close();
  });
});
