// What a tracking page shows beside the tracking itself: products the customer may like (with
// tracked links), and whether a return can be started from it.
import { crossSellLinks } from '../catalogue/cross-sells.js';
import type { Deps } from '../deps.js';
import { orderRefusal, returnPolicyOf } from '../returns/policy.js';
import type { HubLanguage } from './i18n/index.js';
import type { PageOrder, PageShipment } from './order-data.js';
import type { ProductCard } from './pages/order-page.js';

export type PageExtras = { crossSells: ProductCard[]; canReturn: boolean };

export async function pageExtras(deps: Deps, input: { order: PageOrder; shipments: PageShipment[]; language: HubLanguage; base: string }): Promise<PageExtras> {
  const { order } = input;
  const links = await crossSellLinks(deps, { id: order.brand_id, settings: order.settings }, order, { source: 'page', base: '', language: input.language });
  return {
    crossSells: links.map((l) => ({ title: l.product.title, price: l.price, imageUrl: l.product.imageUrl, href: l.href })),
    canReturn: canStartReturn(deps, input),
  };
}

/** The "return items" button: returns are on, a parcel was delivered, and the window is open. */
function canStartReturn(deps: Deps, input: { order: PageOrder; shipments: PageShipment[] }): boolean {
  const outbound = input.shipments.filter((s) => s.direction !== 'return');
  const deliveredAt = (s: PageShipment) => [...s.events].reverse().find((e) => e.status === 'delivered')?.occurredAt ?? null;
  return (
    orderRefusal({
      policy: returnPolicyOf(input.order),
      now: deps.clock.now(),
      items: [],
      shipments: outbound.map((s) => ({ status: s.status, deliveredAt: deliveredAt(s) })),
      returns: [],
      tags: new Map(),
    }) === null
  );
}
