// The interactive map in a real browser (Debian's Chromium through playwright-core), against a tile
// server of our own: an HTTPS server on 127.0.0.1 answering small PNG tiles and noting every tile
// asked for. The theme accepts https tile URLs only, and the page's policy allows images from https
// only, so the emulator speaks HTTPS with a self-signed certificate (made by the openssl command for
// this run) that the browser context is told to accept (ignoreHTTPSErrors): nothing in Waybill
// changes for the test. Checked: Leaflet opens
// under the page's own content security policy with no error, asks the emulator for tiles, asks
// for a higher zoom after "+", is reachable and named for the keyboard, passes axe, does not shift
// the page; without JavaScript the SVG map shows; with a tile server that answers nothing, the SVG
// map comes back.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium, layoutShiftOf, serveOnLoopback } from '../harness/browser.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

const SHOTS = process.env.WAYBILL_SCREENSHOTS ? path.resolve(process.env.WAYBILL_SCREENSHOTS) : fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-map-shots-'));
const DAY = 86_400_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
/** An 8×8 PNG, a light land colour: every tile the emulator answers. */
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR42mN48eQGVsQwtCQADKapAX5WQlAAAAAASUVORK5CYII=', 'base64');

let t: TestContext;
let browser: Browser;
let base: string;
let close: () => void;
let tiles: { base: string; asked: string[]; close(): void };

/** The tile server: /tiles/{z}/{x}/{y}.png answers a PNG, anything else 500 (a server that is down). */
async function tileServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-tiles-'));
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const asked: string[] = [];
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (request, response) => {
    asked.push(request.url ?? '');
    if (/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(request.url ?? '')) response.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(TILE);
    else response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, close: () => server.close() };
}

/** The zoom levels of the tiles asked for since `from`. */
const zooms = (from = 0) => tiles.asked.slice(from).flatMap((u) => (/^\/tiles\/(\d+)\//.exec(u) ? [Number(/^\/tiles\/(\d+)\//.exec(u)![1])] : []));

beforeAll(async () => {
  t = await createTestContext();
  ({ base, close } = await serveOnLoopback(t.app.fetch));
  tiles = await tileServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  close?.();
  tiles?.close();
  await t?.close();
});

async function setTileServer(path: string) {
  const saved = await t.request('PUT', '/v1/brand/theme', { slug: 'mapped', colors: { accent: '#b4531a' }, map: { tileUrl: `${tiles.base}${path}`, attribution: '© Test <tiles> & co' } });
  expect(saved.status).toBe(200);
}

async function travellingOrder(): Promise<string> {
  const order = (await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString() }))).json;
  await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'delayed' });
  t.clock.advance(3 * DAY);
  await t.worker.drain();
  return `${base}${new URL(order.trackingPageUrl).pathname}`;
}

/** A customer's browser with JavaScript, the page's own policy in force, trusting the emulator's certificate. */
async function withScript(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page; problems: string[]; requested: string[] }> {
  const context = await browser.newContext({ viewport, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const problems: string[] = [];
  const requested: string[] = [];
  page.on('console', (message) => {
    // A failed request is named by the response listener below.
    if ((message.type() === 'error' || message.type() === 'warning') && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('response', (answer) => {
    if (answer.status() >= 400 && !answer.url().endsWith('/favicon.ico')) problems.push(`${answer.status()}: ${answer.url()}`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => requested.push(request.url()));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  return { context, page, problems, requested };
}

describe('the interactive map (a brand with a tile server)', () => {
  it('opens Leaflet over the brand’s tiles, zooms in for closer tiles, works from the keyboard, passes axe and does not shift the page', async () => {
    await setTileServer('/tiles/{z}/{x}/{y}.png');
    const url = await travellingOrder();

    const { context, page, problems, requested } = await withScript();
    const response = await page.goto(url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const map = page.locator('figure div.map.leaflet-container');
    await map.waitFor();
    await page.locator('.leaflet-tile-loaded').first().waitFor();
    // The SVG is still in the page, hidden, in case the map has to fall back to it.
    expect(await page.locator('svg.map').isHidden()).toBe(true);
    expect(await map.getAttribute('role')).toBe('region');
    expect(await map.getAttribute('aria-label')).toBe(`${await page.locator('svg.map title').textContent()}. Arrow keys move the map, plus and minus zoom in and out`);
    expect(await map.getAttribute('tabindex')).toBe('0');
    expect(await page.locator('.leaflet-overlay-pane path').count()).toBeGreaterThan(2); // the path, the way still to go, the scans
    expect(await page.locator('.leaflet-control-attribution').textContent()).toContain('© Test <tiles> & co');
    expect(await page.getByRole('button', { name: 'Zoom in' }).count()).toBe(1);
    const opened = zooms();
    expect(opened.length).toBeGreaterThan(0);

    // "+" on the focused map: tiles one level closer.
    const before = tiles.asked.length;
    await map.focus();
    await page.keyboard.press('+');
    await expect.poll(() => Math.max(0, ...zooms(before)), { timeout: 5_000 }).toBeGreaterThan(Math.max(...opened));

    // Same box as the SVG it replaces: nothing below it moved.
    expect(await layoutShiftOf(page, 300)).toBeLessThan(0.01);
    const liveBox = await map.boundingBox();
    await map.screenshot({ path: path.join(SHOTS, 'tracking-page-live-map-desktop.png') });

    expect(problems).toEqual([]);
    expect(requested.filter((u) => !u.startsWith(base) && !u.startsWith(tiles.base) && !u.startsWith('data:'))).toEqual([]);
    expect(requested).toContain(`${base}/hub-assets/lib/leaflet-1.9.4/leaflet.js`);
    await context.close();

    // Without JavaScript: the SVG map, the same size, over the same server's tiles.
    const still = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false, ignoreHTTPSErrors: true });
    const plain = await still.newPage();
    const staticFrom = tiles.asked.length;
    await plain.goto(url);
    expect(await plain.locator('svg.map').isVisible()).toBe(true);
    expect(await plain.locator('.leaflet-container').count()).toBe(0);
    expect(await plain.locator('svg.map path.route').count()).toBe(1);
    const svgBox = await plain.locator('svg.map').boundingBox();
    expect(Math.abs(svgBox!.height - liveBox!.height)).toBeLessThan(1);
    expect(Math.abs(svgBox!.width - liveBox!.width)).toBeLessThan(1);
    await expect.poll(() => zooms(staticFrom).length).toBeGreaterThan(0);
    await still.close();

    // axe, on the page with the map built (axe is our script, so this context lifts the policy).
    for (const viewport of [PHONE, DESKTOP]) {
      const checking = await browser.newContext({ viewport, bypassCSP: true, ignoreHTTPSErrors: true });
      const page = await checking.newPage();
      await page.goto(url);
      await page.locator('.leaflet-tile-loaded').first().waitFor();
      expect((await axeViolations(page)).map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.html) }))).toEqual([]);
      await checking.close();
    }
  });

  it('falls back to the SVG map when the tile server answers no tile', async () => {
    await setTileServer('/down/{z}/{x}/{y}.png');
    const url = await travellingOrder();
    const { context, page } = await withScript(PHONE);
    // Noted from the page's start: whether Leaflet's map ever appeared.
    await page.addInitScript(() => {
      new MutationObserver(() => {
        if (document.querySelector('.leaflet-container')) (window as unknown as { sawMap: boolean }).sawMap = true;
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { sawMap?: boolean }).sawMap === true && !document.querySelector('.leaflet-container'), undefined, { timeout: 10_000 });
    expect(await page.locator('svg.map').isVisible()).toBe(true);
    expect(tiles.asked.some((u) => u.startsWith('/down/'))).toBe(true);
    await context.close();
  });
});
