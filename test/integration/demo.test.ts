// `waybill demo` (what `npm start` runs): a start page listing demo orders in every stage, whose
// parcels move while you watch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { DEMO_BRAND_ID } from '../../src/demo/demo.js';
import { axeViolations, launchChromium } from '../harness/browser.js';
import { dialectUnderTest, freshDatabase } from '../harness/harness.js';
import { runCli, type Server, startWaybill } from '../harness/process.js';
import { pdfText, scanPdfBarcodes } from '../unit/helpers/scan-label.js';

let database: Awaited<ReturnType<typeof freshDatabase>> | null = null;
let dir: string;
let url: string;
let demo: Server;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-demo-'));
  url = path.join(dir, 'demo.db');
  if (dialectUnderTest() === 'postgres') {
    database = await freshDatabase();
    url = database.url;
  }
  // One simulated day every 2 seconds, so whole journeys finish within the test.
  demo = await startWaybill('demo', { DEMO_DATABASE_URL: url, DEMO_SPEED: '43200', DEMO_ORDER_EVERY_SECONDS: '1' });
  // The server answers while the demo brand is still being seeded; the URLs print once it is.
  for (let i = 0; i < 300 && !demo.output().includes('Demo API key'); i++) await new Promise((r) => setTimeout(r, 100));
});

afterAll(async () => {
  await demo?.stop();
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const apiKeyOf = (output: string) => /Demo API key:\s+(\S+)/.exec(output)![1]!;
/** Asks again every 250 ms until `done`, for up to 15 s: the caller's expectations then say what was missing. */
const until = async (done: () => Promise<boolean>) => {
  for (const giveUp = Date.now() + 15_000; Date.now() < giveUp && !(await done()); ) await new Promise((r) => setTimeout(r, 250));
};
const statusesOnStartPage = (html: string) => [...html.matchAll(/<h2>([^<(]+)\(\d+\)<\/h2>/g)].map((m) => m[1]!.trim());

describe('the demo', () => {
  it('passes axe (WCAG 2.1 A and AA) on its start page and its messages page, pause button included, and fits a phone', async () => {
    const browser = await launchChromium();
    try {
      for (const address of ['/', '/demo/messages']) {
        const page = await browser.newPage();
        await page.goto(`${demo.url}${address}`);
        await page.locator('#live-updates').click(); // paused, so axe reads one page, not the next
        expect(await page.locator('#live-updates').textContent()).toBe('Resume live updates');
        expect(await axeViolations(page), address).toEqual([]);
        await page.close();
      }
      // On a phone, the start page's rows wrap instead of squeezing a column to one letter a line.
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await phone.goto(`${demo.url}/`);
      await phone.locator('#live-updates').click();
      const widths = await phone.locator('main table td').evaluateAll((cells) => cells.filter((c) => c.textContent!.trim()).map((c) => c.getBoundingClientRect().width));
      expect(widths.length).toBeGreaterThan(10);
      expect(Math.min(...widths)).toBeGreaterThanOrEqual(40);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // …and so does the API reference, long field names and all.
      await phone.goto(`${demo.url}/docs`);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await browser.close();
    }
  });

  it('prints the URLs to open and a working API key', async () => {
    const output = demo.output();
    expect(output).toContain(`Start page:     ${demo.url}/`);
    const apiKey = /Demo API key:\s+(\S+)/.exec(output)?.[1];
    expect(apiKey).toBeTruthy();
    const res = await fetch(`${demo.url}/v1/orders?limit=100`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).data.length).toBeGreaterThanOrEqual(14);
  });

  it('lists orders in many stages, each linking to a working tracking page', async () => {
    // Give the worker a moment to catch up on the seeded orders' past scans.
    let html = '';
    for (let i = 0; i < 40; i++) {
      html = await (await fetch(`${demo.url}/`)).text();
      if (statusesOnStartPage(html).length >= 4 && html.includes('Delivered')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const stages = statusesOnStartPage(html);
    expect(stages).toEqual(expect.arrayContaining(['Order confirmed, being packed', 'Delivered']));
    expect(stages.length).toBeGreaterThanOrEqual(4);
    const link = /href="(http:\/\/127\.0\.0\.1:\d+\/t\/[^"]+)"/.exec(html)?.[1];
    expect(link).toBeTruthy();
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Northwind Outfitters');
  });

  it('links each shipped order’s label: a real 4×6 PDF whose barcode scans to the tracking number', async () => {
    const html = await (await fetch(`${demo.url}/`)).text();
    const link = /href="(\/demo\/labels\/shp_[^"]+\.pdf)"/.exec(html)?.[1];
    expect(link).toBeTruthy();
    const res = await fetch(`${demo.url}${link}`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = new Uint8Array(await res.arrayBuffer());
    const apiKey = /Demo API key:\s+(\S+)/.exec(demo.output())![1];
    const shipmentId = /labels\/(shp_[^.]+)\.pdf/.exec(link!)![1];
    const shipment = await (await fetch(`${demo.url}/v1/shipments/${shipmentId}`, { headers: { authorization: `Bearer ${apiKey}` } })).json();
    expect(shipment.label).toMatchObject({ status: 'bought', formats: ['pdf', 'zpl'] });
    expect(scanPdfBarcodes(pdf)).toEqual([shipment.trackingNumber]);
    expect(pdfText(pdf)).toContain('NORTHWIND SHIPPING DESK');
  });

  it('moves parcels while you watch', async () => {
    const apiKey = /Demo API key:\s+(\S+)/.exec(demo.output())![1];
    const snapshot = async () => {
      const res = await fetch(`${demo.url}/v1/shipments?limit=200`, { headers: { authorization: `Bearer ${apiKey}` } });
      return new Map<string, string>((await res.json()).data.map((s: { id: string; status: string }) => [s.id, s.status]));
    };
    const before = await snapshot();
    await new Promise((r) => setTimeout(r, 3000));
    let after = await snapshot();
    const movedSince = () => [...before].filter(([id, status]) => after.get(id) !== status);
    // A machine busy with other tests may hold the next arrival, or the worker's next scans, back a little longer.
    await until(async () => (after = await snapshot()).size > before.size && movedSince().length > 0);
    expect(movedSince().length).toBeGreaterThan(0);
    expect(after.size).toBeGreaterThan(before.size); // new orders keep arriving
  });

  it('ships some parcels with an emulated UPS that pushes their scans, and polls them as a safety net', async () => {
    const apiKey = /Demo API key:\s+(\S+)/.exec(demo.output())![1];
    const get = async (path: string) => (await fetch(`${demo.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } })).json();
    let pushed = [];
    for (let i = 0; i < 40 && pushed.length === 0; i++) {
      pushed = (await get('/v1/inbound-webhooks/deliveries?state=processed')).data.filter((d: { source: string }) => d.source === 'ups_track_alert');
      if (pushed.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(pushed.length).toBeGreaterThan(0);
    const [ups] = (await get('/v1/carriers/polling')).data;
    expect(ups).toMatchObject({ carrier: 'ups', connected: true, quotaTooSmall: false });
    expect(ups.trackAlert.active + ups.activeShipments).toBeGreaterThan(0);
  });

  it('shows every email and text the customers received', async () => {
    let html = '';
    for (let i = 0; i < 40; i++) {
      html = await (await fetch(`${demo.url}/demo/messages`)).text();
      if (/<iframe/.test(html) && /class="sms"/.test(html)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(html).toContain('What the customers received');
    expect(html).toMatch(/<iframe[^>]+srcdoc=/);
    expect(html).toMatch(/class="sms">Northwind Outfitters/);
  });

  it('pages through every email and text, newest first, and shows one order’s alone', async () => {
    const count = (html: string) => Number(/\((\d+) emails? and \d+ texts? so far\)/.exec(html)?.[1] ?? 0);
    let first = '';
    await until(async () => count((first = await (await fetch(`${demo.url}/demo/messages`)).text())) > 31);
    const emails = count(first);
    expect(emails).toBeGreaterThan(31);
    expect(first).toContain(`Emails (1–30 of ${emails})`);
    expect(first).toContain('href="/demo/messages?page=2">Older messages');

    const older = await (await fetch(`${demo.url}/demo/messages?page=2`)).text();
    expect(older).toMatch(/Emails \(31–\d+ of \d+\)/);
    const orderOf = (article: string) => /order <a href="\/demo\/messages\?order=(NW-\d+)">/.exec(article)?.[1];
    const olderOrders = older.split('<article class="mail">').slice(1).map(orderOf);
    expect(olderOrders.length).toBeGreaterThan(0);

    // An order's earlier email, off the first page, is found by its number (typed in any case).
    const number = olderOrders[0]!;
    const one = await (await fetch(`${demo.url}/demo/messages?order=${number.toLowerCase()}`)).text();
    expect(one).toContain(`Every email and text sent about order ${number}`);
    const articles = one.split('<article class="mail">').slice(1);
    expect(articles.length).toBeGreaterThan(0);
    expect(articles.map(orderOf)).toEqual(articles.map(() => number));
    expect(one.split('<div class="meta">').slice(1).every((meta) => meta.includes(`?order=${number}"`))).toBe(true);
    expect(await (await fetch(`${demo.url}/demo/messages?order=NW-99999`)).text()).toContain('There is no order NW-99999 in the demo.');
  });

  it('keeps its newest order being packed, and ships each order when the next one arrives', async () => {
    const apiKey = apiKeyOf(demo.output());
    type Order = { number: string; placedAt: string; shipments: Array<{ direction: string }> };
    const orders = async (): Promise<Order[]> => (await (await fetch(`${demo.url}/v1/orders?limit=200`, { headers: { authorization: `Bearer ${apiKey}` } })).json()).data;
    const shipped = (order: Order | undefined) => order?.shipments.some((s) => s.direction === 'outbound') ?? false;
    // NW-10014, the newest order at the start, ships once the next one has come in.
    await until(async () => shipped((await orders()).find((o) => o.number === 'NW-10014')));
    expect(shipped((await orders()).find((o) => o.number === 'NW-10014'))).toBe(true);
    const newestFirst = async () => (await orders()).sort((a, b) => b.placedAt.localeCompare(a.placedAt));
    // Numbers grow with time, as a shop's do.
    const byTime = (await newestFirst()).map((o) => o.number);
    expect(byTime).toEqual([...byTime].sort().reverse());
    for (let i = 0; i < 3; i++) {
      const [newest, previous, ...older] = await newestFirst();
      // Only the newest is still being packed, and the one before it for the moment it ships.
      expect(older.filter((o) => !shipped(o)).map((o) => o.number)).toEqual([]);
      expect(previous).toBeDefined();
      // The newest had shipped by the time it was read only if a newer one had come in.
      if (shipped(newest)) expect((await newestFirst())[0]!.number).not.toBe(newest!.number);
      await new Promise((r) => setTimeout(r, 700));
    }
  });

  it('fails to start a second time on a PORT in use before it touches the running demo’s database', async () => {
    const ordersStored = async () => {
      const handle = openDatabase(url);
      try {
        const { n } = await handle.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('brand_id', '=', DEMO_BRAND_ID).executeTakeFirstOrThrow();
        return Number(n);
      } finally {
        await handle.close();
      }
    };
    const file = () => (dialectUnderTest() === 'sqlite' ? fs.statSync(url).ino : null);
    const [before, inode] = [await ordersStored(), file()];
    expect(before).toBeGreaterThanOrEqual(14);
    const second = await runCli(['demo'], { DEMO_DATABASE_URL: url, PORT: new URL(demo.url).port, DEMO_SPEED: '43200' });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`^waybill: PORT ${new URL(demo.url).port} is already in use`, 'm'));
    expect(file()).toBe(inode); // the same file, not a new one in its place
    expect(await ordersStored()).toBeGreaterThanOrEqual(before);
    const res = await fetch(`${demo.url}/v1/orders?limit=200`, { headers: { authorization: `Bearer ${apiKeyOf(demo.output())}` } });
    expect((await res.json()).data.length).toBeGreaterThanOrEqual(before);
  });

  it('shows the brand’s hub: a themed page with products under the tracker, the lookup form, and a return under way', async () => {
    let html = '';
    for (let i = 0; i < 60; i++) {
      html = await (await fetch(`${demo.url}/`)).text();
      if (/<h2>Returns \(\d+\)<\/h2>/.test(html)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(html).toMatch(/<h2>Returns \(\d+\)<\/h2>/);
    expect(html).toContain('href="/track/northwind"');
    const link = /href="(http:\/\/127\.0\.0\.1:\d+\/t\/[^"]+)"/.exec(html.slice(html.indexOf('<h2>Returns')))![1]!;
    const page = await (await fetch(link)).text();
    const logoSrc = /<img class="logo" src="(\/hub-assets\/brd_demo0+\/logo\/[\w-]{43})"/.exec(page)?.[1];
    expect(logoSrc).toBeDefined();
    const logo = await fetch(`${demo.url}${logoSrc}`);
    expect(logo.headers.get('content-type')).toBe('image/svg+xml'); // the demo's logo is saved as a brand's would be
    expect(page).toContain('--p:#1f3a2e');
    expect(page).toMatch(/<h2 id="returns">[^<]+<\/h2>/); // in the customer's language
    expect(page).toMatch(/<ul class="xs">(<li><a href="\/r\/[^"]+"[^>]*>.*?<\/a><\/li>){4}<\/ul>/);
    const lookup = await fetch(`${demo.url}/track/northwind`);
    expect(lookup.status).toBe(200);
    expect(await lookup.text()).toContain('Track your order');
    // The brand's navigation and footer are written in the customer's language too.
    const spanish = await (await fetch(`${demo.url}/track/northwind?lang=es`)).text();
    for (const words of ['>Tienda</a>', '>Ayuda</a>', 'Equipo para los caminos largos', '>Política de devoluciones</a>']) expect(spanish).toContain(words);
  });

  it('throttles the lookup form on real time, though its own clock runs fast: the sixth wrong guess at one order is refused for up to 15 minutes', async () => {
    const guess = () =>
      fetch(`${demo.url}/track/northwind`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ order: 'NW-10002', contact: 'wrong@example.com' }).toString() });
    // Each answer waits at least 250 ms: at the demo's speed the window would be over before the sixth.
    for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(404);
    const refused = await guess();
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(850);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  // Last: it changes the demo brand's settings.
  it('keeps shipping its orders with the simulated carrier after the brand makes UPS its default (as docs/labels.md shows)', async () => {
    const apiKey = apiKeyOf(demo.output());
    const api = (pathname: string, init?: RequestInit) => fetch(`${demo.url}${pathname}`, { ...init, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' } });
    const changed = await api('/v1/brand/settings', { method: 'PATCH', body: JSON.stringify({ shipping: { defaultCarrier: 'ups', defaultService: 'ground' } }) });
    expect(changed.status).toBe(200);
    type Order = { number: string; placedAt: string; shipments: Array<{ carrier: string; direction: string }> };
    const orders = async (): Promise<Order[]> => (await (await api('/v1/orders?limit=200')).json()).data;
    const before = new Set((await orders()).map((o) => o.number));
    // The demo's clock runs fast, so orders placed since are told by their numbers, not their times; newest first.
    const placedSince = async () => (await orders()).filter((o) => !before.has(o.number)).sort((x, y) => y.placedAt.localeCompare(x.placedAt));
    await until(async () => (await placedSince()).length >= 5);
    // The newest is being packed and the one before may be shipping right now; every older one has shipped.
    const [, , ...older] = await placedSince();
    expect(older.length).toBeGreaterThanOrEqual(3);
    const outbound = older.map((o) => ({ number: o.number, carriers: o.shipments.filter((s) => s.direction === 'outbound').map((s) => s.carrier) }));
    expect(outbound.filter((o) => o.carriers.length === 0)).toEqual([]);
    // One in four goes with the emulated UPS on purpose; the rest with the simulated carrier, not the new default.
    expect(outbound.filter((o) => o.carriers.includes('simulated')).length).toBeGreaterThanOrEqual(2);
    expect(demo.output()).not.toContain('scenario applies to the simulated carrier only');
  });
});
