/** @jsxImportSource hono/jsx */
// The demo's start page: every demo order grouped by where its parcel is now, each linking to
// its tracking page. It refreshes itself every few seconds, so parcels visibly move.
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { trackingPageUrl } from '../orders/service.js';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../shipments/vocabulary.js';
import { Layout } from '../web/pages.js';
import { STATUS_TEXT } from '../web/status-text.js';
import { demoLabelPath } from './labels.js';

export async function renderDemoStartPage(deps: Deps, brand: BrandRow | undefined, apiKey: string): Promise<string> {
  if (!brand) return '<!doctype html><title>Waybill demo</title><p>The demo is starting…</p>';
  const orders = await deps.db.selectFrom('orders').selectAll().where('brand_id', '=', brand.id).orderBy('id', 'desc').limit(200).execute();
  const shipments = await deps.db.selectFrom('shipments').selectAll().where('brand_id', '=', brand.id).execute();
  const shipmentByOrder = new Map<string, ShipmentRow>(shipments.map((s) => [s.order_id, s]));
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
            simulated carrier moves each parcel through its journey; this page refreshes every 5 seconds. Open any order to see the page its
            customer sees, or its label: a 4×6 PDF whose barcode scans to the tracking number.
          </p>
          <p class="muted">
            API: <a href="/docs">reference</a> · demo key <code>{apiKey}</code>
          </p>
        </div>
        {order
          .filter((status) => groups.has(status))
          .map((status) => (
            <section class="card">
              <h2>{status === 'processing' ? 'Order confirmed, being packed' : STATUS_TEXT[status]} ({groups.get(status)!.length})</h2>
              <table>
                <tbody>
                  {groups.get(status)!.map((o) => {
                    const shipment = shipmentByOrder.get(o.id);
                    return (
                      <tr>
                        <td><a href={trackingPageUrl(deps, brand, o)}>{o.number}</a></td>
                        <td>{JSON.parse(o.destination).city}</td>
                        <td class="muted">{shipment ? `${shipment.tracking_number}${shipment.delayed ? ' · late' : ''}` : 'no label yet'}</td>
                        <td>{shipment ? <a href={demoLabelPath(shipment.id)}>label (PDF)</a> : ''}</td>
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
