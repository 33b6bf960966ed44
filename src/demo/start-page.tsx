/** @jsxImportSource hono/jsx */
// The demo's start page: every demo order grouped by where its parcel is now, each linking to
// its tracking page and its messages (and its label, when the demo bought one). It refreshes
// itself every few seconds, so parcels visibly move.
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { trackingPageUrl } from '../orders/service.js';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../shipments/vocabulary.js';
import { Layout } from '../web/pages.js';
import { STATUS_TEXT } from '../web/status-text.js';
import { demoLabelPath } from './labels.js';
import { DEMO_SLUG } from './hub.js';
import { messagesHref } from './messages-page.js';

export async function renderDemoStartPage(deps: Deps, brand: BrandRow | undefined, apiKey: string): Promise<string> {
  if (!brand) return '<!doctype html><title>Waybill demo</title><p>The demo is starting…</p>';
  const orders = await deps.db.selectFrom('orders').selectAll().where('brand_id', '=', brand.id).orderBy('id', 'desc').limit(200).execute();
  const shipments = await deps.db.selectFrom('shipments').selectAll().where('brand_id', '=', brand.id).execute();
  // An order is filed by its outbound parcel; its return parcel is listed with the returns.
  const shipmentByOrder = new Map<string, ShipmentRow>(shipments.filter((s) => s.direction === 'outbound').map((s) => [s.order_id, s]));
  const returns = await deps.db.selectFrom('returns').selectAll().where('brand_id', '=', brand.id).orderBy('id', 'desc').limit(20).execute();
  const returnParcel = new Map<string, ShipmentRow>(shipments.filter((s) => s.direction === 'return').map((s) => [s.id, s]));
  const orderById = new Map(orders.map((o) => [o.id, o]));
  // Parcels that came with a tracking number (the UPS feed) have no label to show.
  const labelled = new Set((await deps.db.selectFrom('label_purchases').select('shipment_id').where('brand_id', '=', brand.id).where('state', '=', 'bought').execute()).map((p) => p.shipment_id));
  const groups = new Map<ShipmentStatus | 'processing', OrderRow[]>();
  for (const order of orders) {
    const status = (shipmentByOrder.get(order.id)?.status as ShipmentStatus | undefined) ?? 'processing';
    groups.set(status, [...(groups.get(status) ?? []), order]);
  }
  const now = deps.clock.now();
  const order: Array<ShipmentStatus | 'processing'> = ['processing', ...SHIPMENT_STATUSES];
  const page = (
    <Layout title="Waybill demo — Northwind Outfitters" refreshSeconds={5}>
      <header>Waybill demo · {brand.name}</header>
      <main>
        <div class="card">
          <h1>Parcels on the move</h1>
          <p>
            Demo time: <strong>{new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(now)} UTC</strong>. A
            simulated carrier moves each parcel through its journey; this page refreshes every 5 seconds (the button at the bottom right pauses that). The newest order is still being packed: it ships
            when the next one comes in. Open any order to see the page its customer sees, or the <a href="/demo/messages">emails and texts</a> its customer
            got. A parcel whose label the demo bought links it too: a 4×6 PDF whose barcode scans to the tracking number (UPS parcels come with a tracking
            number only).
          </p>
          <p>
            Customers without their link find their order at the brand’s <a href={`/track/${DEMO_SLUG}`}>“track my order” page</a> with the order number and their
            email or postal code (try <code>{orders[orders.length - 1]?.number}</code> with <code>{orders[orders.length - 1] ? JSON.parse(orders[orders.length - 1]!.destination).postalCode : ''}</code>).
          </p>
          <p class="muted">
            API: <a href="/docs">reference</a> · demo key <code>{apiKey}</code>
          </p>
        </div>
        {returns.length > 0 ? (
          <section class="card">
            <h2>Returns ({returns.length})</h2>
            <table class="list">
              <tbody>
                {returns.map((r) => {
                  const order = orderById.get(r.order_id);
                  const parcel = r.shipment_id ? returnParcel.get(r.shipment_id) : undefined;
                  return (
                    <tr>
                      <td class="id">{order ? <a href={trackingPageUrl(deps, brand, order)}>{order.number}</a> : r.order_id}</td>
                      <td class="id">{r.rma}</td>
                      <td class="muted">
                        {r.state}
                        {parcel ? ` · return parcel ${STATUS_TEXT[parcel.status as ShipmentStatus].toLowerCase()}` : ''}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        ) : null}
        {order
          .filter((status) => groups.has(status))
          .map((status) => (
            <section class="card">
              <h2>{status === 'processing' ? 'Order confirmed, being packed' : STATUS_TEXT[status]} ({groups.get(status)!.length})</h2>
              <table class="list">
                <tbody>
                  {groups.get(status)!.map((o) => {
                    const shipment = shipmentByOrder.get(o.id);
                    return (
                      <tr>
                        <td class="id"><a href={trackingPageUrl(deps, brand, o)}>{o.number}</a></td>
                        <td>{JSON.parse(o.destination).city}</td>
                        <td class="muted">{shipment ? `${shipment.carrier === 'simulated' ? '' : `${shipment.carrier.toUpperCase()} `}${shipment.tracking_number}${shipment.delayed ? ' · late' : ''}` : 'no label yet'}</td>
                        <td>{shipment && labelled.has(shipment.id) ? <a href={demoLabelPath(shipment.id)}>label (PDF)</a> : ''}</td>
                        <td><a href={messagesHref({ order: o.number, page: 1 })}>messages</a></td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </section>
          ))}
      </main>
    </Layout>
  );
  return `<!doctype html>${page}`;
}
