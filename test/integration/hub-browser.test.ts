// The hub in a real browser (Debian's Chromium through playwright-core): the lookup flow with
// right and wrong details, a signed link, an expired link, two languages, accessibility checked
// by axe-core (WCAG 2.1 A and AA), no layout shift, and screenshots on a phone and a desktop.
// Set WAYBILL_SCREENSHOTS=docs/screenshots to keep the screenshots (the README shows them).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations as violationsOn, launchChromium, layoutShiftOf, serveOnLoopback } from '../harness/browser.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

const SHOTS = process.env.WAYBILL_SCREENSHOTS ? path.resolve(process.env.WAYBILL_SCREENSHOTS) : fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-hub-shots-'));
const DAY = 86_400_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let t: TestContext;
let browser: Browser;
let base: string;
let close: () => void;

const LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="168" height="36" viewBox="0 0 168 36"><path d="M4 30 18 6l14 24z" fill="#f2c14e"/><text x="40" y="25" font-family="Georgia,serif" font-size="20" fill="#fff">Northwind</text></svg>',
).toString('base64');

beforeAll(async () => {
  t = await createTestContext();
  ({ base, close } = await serveOnLoopback(t.app.fetch));
  browser = await launchChromium();
  const theme = await t.request('PUT', '/v1/brand/theme', {
    slug: 'northwind',
    logo: { data: `data:image/svg+xml;base64,${LOGO}`, width: 168, height: 36, alt: 'Northwind Outfitters' },
    colors: { primary: '#1f3a2e', accent: '#b4531a', background: '#f4f1ea' },
    nav: [
      { label: 'Shop', url: 'https://northwind.example/shop' },
      { label: 'Journal', url: 'https://northwind.example/journal' },
      { label: 'Help', url: 'https://northwind.example/help' },
    ],
    footer: { text: 'Northwind Outfitters · Gear for the long way round', links: [{ label: 'Returns policy', url: 'https://northwind.example/returns' }] },
    support: { email: 'help@northwind.example', phone: '+1 614 555 0134' },
  });
  expect(theme.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  close?.();
  await t?.close();
});

async function deliveredOrder(overrides: Record<string, unknown> = {}) {
  const body = orderBody({
    placedAt: t.clock.now().toISOString(),
    items: [
      { sku: 'NW-JKT-04', name: 'Packable rain jacket', quantity: 1, price: 129 },
      { sku: 'NW-SOCK-03', name: 'Merino hiking socks (3 pack)', quantity: 2, price: 24 },
    ],
    ...overrides,
  });
  const order = (await t.request('POST', '/v1/orders', body)).json;
  await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'delayed' });
  return { body, order };
}

/** A browser context as a customer's: JavaScript off, as the page must work without it. */
/** In the page: the words of the stage labels that the browser split across two lines. */
function brokenStageWords(): string[] {
  const broken: string[] = [];
  for (const li of document.querySelectorAll('ol.stages li')) {
    const text = li.firstChild as Text;
    for (const match of text.data.matchAll(/\S+/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      if (range.getClientRects().length > 1) broken.push(match[0]);
    }
  }
  return broken;
}

const customer = (viewport = PHONE, locale = 'en-US') => browser.newContext({ javaScriptEnabled: false, viewport, locale });

async function axeViolations(url: string, viewport = PHONE): Promise<Array<{ id: string; nodes: unknown[] }>> {
  // The page's own policy forbids every script; axe is ours, so the test context lifts it.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(url);
  const violations = await violationsOn(page);
  await context.close();
  return violations;
}

async function layoutShift(url: string, viewport: { width: number; height: number }): Promise<number> {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const shift = await layoutShiftOf(page);
  await context.close();
  return shift;
}

const thirdParty = (page: Page) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  return () => requested.filter((u) => !u.startsWith(base) && !u.startsWith('data:'));
};

describe('the tracking page in Chromium', () => {
  it('opens from a signed link, renders without JavaScript, asks no third party, passes axe and does not shift; screenshots on a phone and a desktop', async () => {
    const { order, body } = await deliveredOrder();
    t.clock.advance(3 * DAY);
    await t.worker.drain();
    const url = `${base}${new URL(order.trackingPageUrl).pathname}`;

    for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const context = await customer(viewport);
      const page = await context.newPage();
      const others = thirdParty(page);
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe(`Order ${body.number}`);
      expect(await page.locator('header.brand img.logo').getAttribute('alt')).toBe('Northwind Outfitters');
      expect(await page.locator('nav.site a').count()).toBe(3);
      expect(await page.locator('svg.map path.route').count()).toBe(1);
      expect(await page.locator('ol.stages li.done').count()).toBeGreaterThanOrEqual(3);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(others()).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `tracking-page-${name}.png`), fullPage: true });
      expect(fs.statSync(path.join(SHOTS, `tracking-page-${name}.png`)).size).toBeGreaterThan(20_000);
      await context.close();
      expect(await layoutShift(url, viewport)).toBeLessThan(0.01);
    }
    expect(await axeViolations(url)).toEqual([]);
    expect(await axeViolations(url, DESKTOP)).toEqual([]);
  });

  it('shows the page in two languages, from the order’s locale and from the switch', async () => {
    const { order } = await deliveredOrder({ customer: { email: 'lea@example.com', locale: 'fr-FR' } });
    t.clock.advance(2 * DAY);
    await t.worker.drain();
    const context = await customer(PHONE, 'en-US');
    const page = await context.newPage();
    await page.goto(`${base}${new URL(order.trackingPageUrl).pathname}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h1').textContent()).toMatch(/^Commande /);
    expect(await page.locator('ol.stages').getAttribute('aria-label')).toBe('Progression');
    await page.locator('nav.langs a[hreflang="es"]').click();
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    expect(await page.locator('h1').textContent()).toMatch(/^Pedido /);
    expect(await page.locator('nav.langs [aria-current]').textContent()).toBe('Español');
    await page.screenshot({ path: path.join(SHOTS, 'tracking-page-es-phone.png'), fullPage: true });
    // On a 390-pixel phone every stage's words stay whole in each language (the longest: German's "Zugestellt", "Zustellung").
    for (const lang of ['en', 'es', 'fr', 'de']) {
      await page.goto(`${base}${new URL(order.trackingPageUrl).pathname}?lang=${lang}`);
      expect(await page.evaluate(brokenStageWords), lang).toEqual([]);
    }
    await context.close();
    expect(await axeViolations(`${base}${new URL(order.trackingPageUrl).pathname}?lang=de`)).toEqual([]);
  });

  it('sends an expired link to the lookup form, which finds the order with the right details and not with wrong ones', async () => {
    const { order, body } = await deliveredOrder({ customer: { email: 'sam@example.com', locale: 'en' } });
    const url = `${base}${new URL(order.trackingPageUrl).pathname}`;
    t.clock.advance(181 * DAY);
    const context = await customer();
    const page = await context.newPage();
    const expired = await page.goto(url);
    expect(expired?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('This tracking link has expired');

    await page.fill('#order', body.number);
    await page.fill('#contact', 'wrong@example.com');
    await page.click('form:has(#order) button');
    expect(await page.locator('[role=alert]').textContent()).toContain('We could not find an order with these details');
    expect(await page.locator('#order').inputValue()).toBe(body.number);

    await page.fill('#contact', 'SAM@example.com');
    await page.click('form:has(#order) button');
    await page.waitForURL(/\/t\/ord_/);
    expect(await page.locator('h1').textContent()).toBe(`Order ${body.number}`);
    t.clock.advance(-181 * DAY);
    await context.close();
    expect(await axeViolations(`${base}/track/northwind`)).toEqual([]);
  });

  it('finds a parcel by tracking number alone on the lookup page', async () => {
    const { order } = await deliveredOrder();
    const shipment = (await t.request('GET', `/v1/orders/${order.id}`)).json.shipments[0];
    t.clock.advance(DAY);
    await t.worker.drain();
    const context = await customer(DESKTOP);
    const page = await context.newPage();
    await page.goto(`${base}/track/northwind`);
    await page.fill('#tracking', shipment.trackingNumber);
    await page.click('form:has(#tracking) button');
    expect(await page.locator('[role=status]').textContent()).toContain('carrier’s updates only');
    expect(await page.locator('ul.timeline li').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: path.join(SHOTS, 'lookup-desktop.png'), fullPage: true });
    await context.close();
  });

  it('records a cross-sell click and opens the shop’s product page', async () => {
    const icon = (color: string) => `data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300" fill="${color}"/></svg>`).toString('base64')}`;
    await t.request('PUT', '/v1/catalogue/products', {
      products: [
        { id: 'NW-CAP-05', title: 'Canvas cap', price: 22, url: 'https://northwind.example/cap', imageUrl: icon('#c9a227'), tags: ['hats'] },
        { id: 'NW-BTL-06', title: 'Steel bottle', price: 30, url: 'https://northwind.example/bottle', imageUrl: icon('#3b6e8f') },
        { id: 'NW-JKT-04', title: 'Packable rain jacket', price: 129, url: 'https://northwind.example/jacket' },
      ],
    });
    const { order } = await deliveredOrder();
    const context = await customer(PHONE);
    const page = await context.newPage();
    await page.route('https://northwind.example/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Northwind shop</title><h1>Shop</h1>' }));
    await page.goto(`${base}${new URL(order.trackingPageUrl).pathname}`);
    const cards = page.locator('ul.xs a');
    expect(await cards.count()).toBe(2); // never the jacket that was bought
    expect(await page.locator('ul.xs .t').allTextContents()).not.toContain('Packable rain jacket');
    await page.screenshot({ path: path.join(SHOTS, 'tracking-page-cross-sells-phone.png'), fullPage: true });
    await page.locator('ul.xs a', { hasText: 'Canvas cap' }).click();
    await page.waitForURL(/northwind\.example\/cap/);
    expect(new URL(page.url()).searchParams.get('utm_source')).toBe('waybill');
    await context.close();
    const clicks = await t.deps.db.selectFrom('cross_sell_clicks').selectAll().where('order_id', '=', order.id).execute();
    expect(clicks.map((c) => [c.product_id, c.source])).toEqual([['NW-CAP-05', 'page']]);
    expect(await axeViolations(`${base}${new URL(order.trackingPageUrl).pathname}`)).toEqual([]);
  });

  it('takes a return from the tracking page to the label, without JavaScript', async () => {
    await t.request('PUT', '/v1/returns/policy', { enabled: true, windowDays: 30, approval: 'automatic' });
    const { order } = await deliveredOrder({ customer: { email: 'back@example.com', locale: 'en' } });
    t.clock.advance(14 * DAY);
    await t.worker.drain();
    const url = `${base}${new URL(order.trackingPageUrl).pathname}`;
    const context = await customer(PHONE);
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole('link', { name: 'Return items' }).click();
    expect(await page.locator('h1').textContent()).toBe('Return items');
    expect(await axeViolations(page.url())).toEqual([]);
    await page.getByLabel('How many Merino hiking socks (3 pack)').fill('1');
    await page.getByLabel('Why are you returning them?').selectOption('wrong_size');
    await page.screenshot({ path: path.join(SHOTS, 'return-form-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Request return' }).click();
    expect(await page.locator('[role=status]').first().textContent()).toMatch(/Your return R-[0-9A-Z]{8} has been requested\. Your return is approved/);
    await page.getByRole('link', { name: 'Show the return label' }).click();
    expect(await page.locator('h1').textContent()).toBe('Return label');
    const trackingNumber = (await page.locator('.label .tn').textContent())!;
    expect(trackingNumber).toMatch(/^SIM\d+$/);
    expect(await page.locator('.label svg[role=img]').getAttribute('aria-label')).toBe(trackingNumber);
    await page.screenshot({ path: path.join(SHOTS, 'return-label-phone.png'), fullPage: true });
    // The printable label (the customer's name and street on it) opens from the return's email only.
    expect(await page.locator('.card').textContent()).toContain('The label to print, with your address on it, is in the email we sent you');
    const labelUrl = page.url();
    await t.worker.drain();
    const approved = t.deps.messaging.captured!.email.messages.map((m) => m.message).find((m) => m.to === 'back@example.com' && /return .* is approved/i.test(m.subject))!;
    const emailed = String(approved.html).match(/href="https?:\/\/[^/"]+(\/t\/[^"]+\/label\?k=[^"&]+)/)![1]!;
    await page.goto(`${base}${emailed}`);
    const download = await page.getByRole('link', { name: 'Download the label (PDF)' }).getAttribute('href');
    const pdf = await fetch(`${base}${download}`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    await context.close();
    expect(await axeViolations(labelUrl)).toEqual([]);
    const [ret] = (await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data;
    expect(ret).toMatchObject({ state: 'approved', shipment: { trackingNumber } });
  });
});
