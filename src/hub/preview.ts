// A tracking page drawn with a theme that is not saved yet: the brand's live preview. It shows one
// of the brand's own orders when asked, else a made-up order with a parcel on its way.
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { notFound } from '../lib/errors.js';
import { pageExtras } from './extras.js';
import type { HubLanguage } from './i18n/index.js';
import { loadPageOrder, loadPageShipments, type PageOrder, type PageShipment, returnsOf, updatesOf } from './order-data.js';
import { renderOrderPage } from './pages/order-page.js';
import { compileTheme, type Theme } from './theme.js';
import { buildOrderView } from './view.js';

/** The page, and whether it carries the interactive map (its policy must then let its scripts run). */
export async function renderThemePreview(deps: Deps, brand: BrandRow, input: { theme?: Theme; language: HubLanguage; orderId?: string }): Promise<{ html: string; liveMap: boolean }> {
  const theme = compileTheme(brand, input.theme);
  const now = deps.clock.now();
  let order: PageOrder;
  let shipments: PageShipment[];
  if (input.orderId) {
    const found = await loadPageOrder(deps, input.orderId);
    if (!found || found.brand_id !== brand.id) throw notFound(`order ${input.orderId}`);
    order = found;
    shipments = await loadPageShipments(deps, order.id);
  } else {
    ({ order, shipments } = sampleOrder(brand, now));
  }
  const view = buildOrderView({ order, shipments, updates: updatesOf(order), returns: returnsOf(order), language: input.language, theme, now });
  // The products as that customer sees them, linked straight to the shop: nothing counted, no click recorded.
  const extras = input.orderId ? await pageExtras(deps, { order, shipments, language: input.language, link: null }) : { crossSells: [], canReturn: false };
  const html = renderOrderPage({ frame: { theme, language: input.language, title: `${theme.brandName} (preview)` }, view, base: '#', ...extras });
  return { html, liveMap: Boolean(view.map?.live) };
}

function sampleOrder(brand: BrandRow, now: Date): { order: PageOrder; shipments: PageShipment[] } {
  const hours = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
  const place = (city: string, region: string) => JSON.stringify({ city, region, country: 'US' });
  const order: PageOrder = {
    id: 'ord_preview',
    brand_id: brand.id,
    number: '1042',
    customer_email: 'preview@example.com',
    customer_locale: null,
    destination: JSON.stringify({ city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' }),
    items: JSON.stringify([{ sku: 'SAMPLE-1', name: 'Sample product', quantity: 1 }]),
    placed_at: hours(60),
    estimated_from: null,
    estimated_to: null,
    created_at: hours(60),
    brand_name: brand.name,
    link_key_version: brand.link_key_version,
    settings: brand.settings,
    updates: null,
    returns: null,
  };
  const event = (status: string, h: number, location: string, carrierText: string) => ({ status, carrierText, location, occurredAt: hours(h) });
  const shipment: PageShipment = {
    id: 'shp_preview',
    carrier: 'ups',
    tracking_number: '1Z999AA10123456784',
    direction: 'outbound',
    status: 'in_transit',
    reason: null,
    delayed: 0,
    estimated_from: new Date(now.getTime() + 86_400_000).toISOString(),
    estimated_to: new Date(now.getTime() + 2 * 86_400_000).toISOString(),
    status_changed_at: hours(30),
    events: [
      event('info_received', 50, place('Columbus', 'OH'), 'Shipper created a label'),
      event('in_transit', 40, place('Columbus', 'OH'), 'Picked up'),
      event('in_transit', 30, place('Louisville', 'KY'), 'Arrived at facility'),
      event('in_transit', 12, place('Dallas', 'TX'), 'Departed facility'),
    ],
  };
  return { order, shipments: [shipment] };
}
