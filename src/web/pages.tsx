/** @jsxImportSource hono/jsx */
// Public pages: the order's tracking page at /t/{token} and the start page at /.
// Server-rendered, no script, no third-party asset; nothing personal beyond the city.
import { raw } from 'hono/html';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../api/context.js';
import { getBrand } from '../brands/repo.js';
import type { Deps } from '../deps.js';
import type { OrderRow, ShipmentRow, TrackingEventRow } from '../db/schema.js';
import { readTrackingToken, verifyTrackingToken } from '../orders/tracking-links.js';
import { shipmentsOfOrders } from '../orders/queries.js';
import { listEvents } from '../shipments/service.js';
import type { ExceptionReason, ShipmentStatus } from '../shipments/vocabulary.js';
import { wallClockOf } from '../lib/time.js';
import { REASON_TEXT, STAGES, STATUS_TEXT, stageIndex } from './status-text.js';

const CSS = `*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1c1c1c;background:#f6f6f4}
main{max-width:44rem;margin:0 auto;padding:1rem}header{background:#1c1c1c;color:#fff;padding:.75rem 1rem}header a{color:#fff}
.card{background:#fff;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:.25rem 0}h2{font-size:1.15rem;margin:.25rem 0}.muted{color:#5b5b5b}.status{font-size:1.25rem;font-weight:650}
.warn{color:#8a3b00}ol.stages{display:flex;list-style:none;padding:0;margin:1rem 0;gap:4px}ol.stages li{flex:1;font-size:.75rem;text-align:center;color:#5b5b5b}
ol.stages li:before{content:"";display:block;height:6px;border-radius:3px;background:#ddd;margin-bottom:4px}ol.stages li.done:before{background:#1f7a4d}
ol.stages li.done{color:#1c1c1c}ul.timeline{list-style:none;padding:0;margin:0}ul.timeline li{padding:.5rem 0;border-top:1px solid #eee}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .25rem;border-top:1px solid #eee;font-size:.95rem}
a{color:#0b57d0}`;

function Layout({ title, children, refreshSeconds }: { title: string; children: Child; refreshSeconds?: number }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {refreshSeconds ? <meta http-equiv="refresh" content={String(refreshSeconds)} /> : null}
        <title>{title}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>{children}</body>
    </html>
  );
}

// Times are shown on the clock of the place they happened (the offset the source wrote them
// with); only a time without an offset is shown in UTC, and says so.
const formatTime = (iso: string | null, locale: string) => {
  if (!iso) return 'time unknown';
  const { wall, hasOffset } = wallClockOf(iso);
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZone: 'UTC', ...(hasOffset ? {} : { timeZoneName: 'short' }) }).format(wall);
};

const formatDay = (iso: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(wallClockOf(iso).wall);

const placeOf = (locationJson: string | null) => {
  if (!locationJson) return '';
  const l = JSON.parse(locationJson) as { city?: string; region?: string; country?: string };
  return [l.city, l.region, l.country].filter(Boolean).join(', ');
};

function ShipmentCard({ shipment, events, locale, index, total }: { shipment: ShipmentRow; events: TrackingEventRow[]; locale: string; index: number; total: number }) {
  const status = shipment.status as ShipmentStatus;
  const reached = stageIndex(status);
  const reason = shipment.reason as ExceptionReason | null;
  const newestFirst = [...events].reverse();
  return (
    <section class="card" aria-labelledby={`s-${shipment.id}`}>
      <h2 id={`s-${shipment.id}`}>
        {shipment.direction === 'return' ? 'Return parcel' : total > 1 ? `Parcel ${index + 1} of ${total}` : 'Your parcel'}
      </h2>
      <p class="status">{STATUS_TEXT[status]}</p>
      {reason ? <p class="warn">Because {REASON_TEXT[reason]}.</p> : null}
      {shipment.delayed === 1 && !reason ? <p class="warn">Running late.</p> : null}
      {shipment.estimated_from && shipment.estimated_to && status !== 'delivered' ? (
        <p>
          Expected {formatDay(shipment.estimated_from, locale) === formatDay(shipment.estimated_to, locale) ? formatDay(shipment.estimated_to, locale) : `${formatDay(shipment.estimated_from, locale)} – ${formatDay(shipment.estimated_to, locale)}`}
        </p>
      ) : null}
      <ol class="stages" aria-label="Progress">
        {STAGES.map((stage, i) => (
          <li class={i <= reached ? 'done' : ''} aria-current={i === reached ? 'step' : undefined}>{stage}</li>
        ))}
      </ol>
      <p class="muted">
        {shipment.carrier.toUpperCase()} · {shipment.tracking_number}
      </p>
      <ul class="timeline">
        {newestFirst.map((e) => (
          <li>
            <strong>{STATUS_TEXT[e.status as ShipmentStatus]}</strong>
            {e.carrier_text ? <span> — {e.carrier_text}</span> : null}
            <br />
            <span class="muted">
              {formatTime(e.occurred_at_raw ?? e.occurred_at, locale)}
              {placeOf(e.location) ? ` · ${placeOf(e.location)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export type StartPage = (deps: Deps) => Promise<string>;

export function createPublicPages(deps: Deps, options: { startPage?: StartPage }) {
  const pages = new Hono<AppEnv>();

  pages.get('/', async (c) => {
    if (options.startPage) return c.html(await options.startPage(deps));
    const page = (
      <Layout title="Waybill">
        <main>
          <div class="card">
            <h1>Waybill is running</h1>
            <p>The API lives under <code>/v1</code>: see the <a href="/docs">API reference</a> and <a href="/openapi.json">OpenAPI description</a>.</p>
            <p>Customers reach their orders through the tracking links Waybill gives for each order.</p>
          </div>
        </main>
      </Layout>
    );
    return c.html(`<!doctype html>${page}`);
  });

  pages.get('/t/:token', async (c) => {
    const now = deps.clock.now();
    const claims = readTrackingToken(c.req.param('token'));
    const order = claims ? await deps.db.selectFrom('orders').selectAll().where('id', '=', claims.orderId).executeTakeFirst() : undefined;
    const brand = order ? await getBrand(deps.db, order.brand_id) : undefined;
    const verdict = claims && order && brand ? verifyTrackingToken(deps.keys['tracking-links'], claims, { id: brand.id, linkKeyVersion: brand.link_key_version }, now) : 'invalid';
    if (verdict !== 'valid' || !order || !brand) {
      const page = (
        <Layout title="Tracking link not valid">
          <main>
            <div class="card">
              <h1>{verdict === 'expired' ? 'This tracking link has expired' : 'This tracking link is not valid'}</h1>
              <p>Please use the link in your most recent message from the shop, or contact the shop for a new one.</p>
            </div>
          </main>
        </Layout>
      );
      return c.html(`<!doctype html>${page}`, verdict === 'expired' ? 410 : 404);
    }
    return c.html(await renderOrderPage(deps, brand.name, order), 200, { 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' });
  });

  return pages;
}

async function renderOrderPage(deps: Deps, brandName: string, order: OrderRow): Promise<string> {
  // The page's words are English until translations exist, so its dates are too.
  const locale = 'en';
  const shipments = await shipmentsOfOrders(deps, [order.id]);
  const timelines = await Promise.all(shipments.map((s) => listEvents(deps, s.id)));
  const destination = JSON.parse(order.destination) as { city: string; region?: string; country: string };
  const items = JSON.parse(order.items) as Array<{ name: string; quantity: number }>;
  const updates = await deps.db.selectFrom('personal_updates').selectAll().where('order_id', '=', order.id).orderBy('created_at', 'desc').execute();
  const page = (
    <Layout title={`Order ${order.number} — ${brandName}`}>
      <header>{brandName}</header>
      <main>
        <div class="card">
          <h1>Order {order.number}</h1>
          <p class="muted">
            Placed {formatDay(order.placed_at, locale)} · going to {[destination.city, destination.region, destination.country].filter(Boolean).join(', ')}
          </p>
          {shipments.length === 0 ? <p class="status">We are preparing your order. You will hear from us as soon as it ships.</p> : null}
        </div>
        {updates.length > 0 ? (
          <section class="card" aria-labelledby="updates">
            <h2 id="updates">Updates from {brandName}</h2>
            <ul class="timeline">
              {updates.map((u) => (
                <li>
                  {u.text}
                  {u.image_url ? <img src={u.image_url} alt="" width="320" style="max-width:100%;height:auto;display:block;margin-top:.5rem" loading="lazy" /> : null}
                  <br />
                  <span class="muted">{formatTime(u.created_at, locale)}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {shipments.map((s, i) => (
          <ShipmentCard shipment={s} events={timelines[i]!} locale={locale} index={i} total={shipments.filter((x) => x.direction === 'outbound').length} />
        ))}
        <div class="card">
          <h2>In this order</h2>
          <ul>{items.map((item) => <li>{item.quantity} × {item.name}</li>)}</ul>
        </div>
      </main>
    </Layout>
  );
  return `<!doctype html>${page}`;
}

export { Layout, formatTime, placeOf };
