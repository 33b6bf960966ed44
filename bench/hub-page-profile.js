// Diagnostic: the tracking page in-process (no HTTP socket, no load generator), to see where a
// page view's time goes. Seeds BENCH_SHIPMENTS (default 20,000) on SQLite, themes the brand, then
// renders pages of random orders for a few seconds and prints the mean cost per page, then the
// cost of each phase of a page (queries, view, cross-sells and return button, HTML), without HTTP.
// BENCH_LOGO_BYTES=92160 gives the brand an uploaded logo of that size (none by default).
//
//   npm run build && BENCH_PROFILE=/tmp/hub.cpuprofile node bench/hub-page-profile.js
//   node bench/profile-summary.js /tmp/hub.cpuprofile
import { createApp } from '../dist/app.js';
import { loadConfig } from '../dist/config.js';
import { createDeps } from '../dist/deps.js';
import { deriveKeyring } from '../dist/lib/crypto.js';
import { signTrackingToken } from '../dist/orders/tracking-links.js';
import { pageExtras } from '../dist/hub/extras.js';
import { loadPageOrder, loadPageShipments, returnsOf, updatesOf } from '../dist/hub/order-data.js';
import { renderOrderPage } from '../dist/hub/pages/order-page.js';
import { cachedTheme } from '../dist/hub/theme.js';
import { buildOrderView } from '../dist/hub/view.js';
import { settings } from './lib/config.js';
import { createBenchDatabase } from './lib/databases.js';
import { benchLogo } from './lib/logo.js';
import { createBrand, SECRET_KEY } from './lib/processes.js';
import { orderId, seed, SHIPMENTS_PER_ORDER } from './lib/seed.js';

/**
 * Each phase of a page over the same 2,000 random orders, phase by phase, seven rounds: the best
 * round of each phase (µs per page) is the figure least disturbed by other processes.
 */
async function phaseCosts(deps, orders) {
  const ids = Array.from({ length: 2000 }, () => orderId(Math.floor(Math.random() * orders)));
  const rows = ids.map(() => ({}));
  const themeOf = (order) => cachedTheme({ id: order.brand_id, name: order.brand_name, settings: order.settings });
  const phases = {
    'order query': async (id, r) => (r.order = await loadPageOrder(deps, id)),
    'shipments query': async (id, r) => (r.shipments = await loadPageShipments(deps, id)),
    view: async (id, r) => (r.view = buildOrderView({ order: r.order, shipments: r.shipments, updates: updatesOf(r.order), returns: returnsOf(r.order), language: 'en', theme: themeOf(r.order) })),
    'cross-sells + return button': async (id, r) => (r.extras = await pageExtras(deps, { order: r.order, shipments: r.shipments, language: 'en', link: { expiresAt: Date.now() + 86_400_000, keyVersion: r.order.link_key_version } })),
    html: async (id, r) => renderOrderPage({ frame: { theme: themeOf(r.order), language: 'en', title: 'Order', path: '/t/x' }, view: r.view, base: '/t/x', ...r.extras }),
  };
  const best = {};
  for (let round = 0; round < 7; round++) {
    for (const [name, phase] of Object.entries(phases)) {
      const started = performance.now();
      for (let i = 0; i < ids.length; i++) await phase(ids[i], rows[i]);
      best[name] = Math.min(best[name] ?? Infinity, ((performance.now() - started) / ids.length) * 1000);
    }
  }
  const total = Object.values(best).reduce((a, b) => a + b, 0);
  return `${Object.entries(best).map(([name, us]) => `${name} ${us.toFixed(0)} µs`).join(', ')}; together ${total.toFixed(0)} µs`;
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const shipments = Number(process.env.BENCH_SHIPMENTS ?? 20_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const database = await createBenchDatabase('sqlite');
try {
  const { brandId, apiKey } = await createBrand(database.url);
  await seed(database, { brandId, shipments, events: { cycle: 5 } });
  const config = loadConfig({ DATABASE_URL: database.url, SECRET_KEY, LOG_LEVEL: 'silent', WORKER_CONCURRENCY: '0' });
  const deps = createDeps(config, SECRET_KEY);
  const app = createApp(deps);
  const put = (path, body) => app.request(`/v1${path}`, { method: 'PUT', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const logo = settings.logoBytes > 0 ? { logo: benchLogo(settings.logoBytes) } : {};
  const themed = await put('/brand/theme', { slug: 'bench', colors: { primary: '#1f3a2e' }, nav: [{ label: 'Shop', url: 'https://bench.example/shop' }], ...logo });
  if (!themed.ok) throw new Error(`PUT /v1/brand/theme answered ${themed.status}: ${await themed.text()}`);
  await put('/catalogue/products', { products: ['CAP', 'MUG', 'SOCKS', 'BOTTLE'].map((id) => ({ id, title: id, price: 10, url: `https://bench.example/${id}` })) });
  const key = deriveKeyring(SECRET_KEY)['tracking-links'];
  const orders = Math.ceil(shipments / SHIPMENTS_PER_ORDER);
  const expiresAt = Date.now() + 30 * 86_400_000;
  const path = () => `/t/${signTrackingToken(key, brandId, { orderId: orderId(Math.floor(Math.random() * orders)), expiresAt, keyVersion: 1 })}`;
  for (let i = 0; i < 300; i++) await app.request(path()); // warm-up
  // With BENCH_PROFILE=file.cpuprofile, only the measured loop is profiled (no start-up, no seeding).
  const { Session } = await import('node:inspector/promises');
  const session = process.env.BENCH_PROFILE ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  let pages = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  // Each page timed on its own: on a shared machine most pages still run without being
  // descheduled, so the median page is the figure least disturbed by other processes.
  const times = [];
  while (performance.now() - started < seconds * 1000) {
    const pageStarted = performance.now();
    const response = await app.request(path());
    if (response.status !== 200) throw new Error(`page answered ${response.status}`);
    await response.text();
    times.push(performance.now() - pageStarted);
    pages += 1;
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    (await import('node:fs')).writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
  }
  // CPU time is the steadier figure on a shared machine: waiting for a core does not count.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const phases = await phaseCosts(deps, orders);
  console.log(`${pages} pages in ${(elapsed / 1000).toFixed(1)} s: ${(elapsed / pages).toFixed(3)} ms per page, ${(cpuMs / pages).toFixed(3)} ms CPU per page, median page ${median(times).toFixed(3)} ms (one caller, in-process)`);
  console.log(`per phase, without HTTP (best of 7 rounds over 2,000 orders): ${phases}`);
  await deps.close();
} finally {
  await database.drop();
}
