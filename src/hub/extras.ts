// What a tracking page shows beside the tracking itself: products the customer may like (with
// tracked links, plain ones in the brand's preview), and whether a return can be started from it.
import { countImpressions, crossSellLinks } from '../catalogue/cross-sells.js';
import type { Deps } from '../deps.js';
import type { LinkTerms } from '../orders/tracking-links.js';
import { type EligibilityInput, type OrderItem, orderRefusal, returnPolicyOf, whyNothingCanBeReturned } from '../returns/policy.js';
import { catalogueTagsOf } from '../returns/service.js';
import type { HubLanguage } from './i18n/index.js';
import { type PageOrder, type PageShipment, returnsOf } from './order-data.js';
import type { ProductCard } from './pages/order-page.js';

export type PageExtras = { crossSells: ProductCard[]; canReturn: boolean };

/**
 * The customer's page (`link`: the terms of the tracking link it is served for, which its click
 * links keep) counts its products as impressions; the brand's preview (`link: null`) links them to
 * the shop directly and counts nothing, so a merchant looking at a customer's order neither adds
 * impressions nor records a click in the customer's name.
 */
export async function pageExtras(deps: Deps, input: { order: PageOrder; shipments: PageShipment[]; language: HubLanguage; link: LinkTerms | null }): Promise<PageExtras> {
  const { order, link } = input;
  const [links, canReturn] = await Promise.all([crossSellLinks(deps, { id: order.brand_id, settings: order.settings }, order, { source: 'page', base: '', language: input.language, link }), canStartReturn(deps, input)]);
  if (link) countImpressions(deps, order.brand_id, links.map((l) => l.product.id), 'page');
  return {
    crossSells: links.map((l) => ({ title: l.product.title, price: l.price, imageUrl: l.product.imageUrl, href: l.href })),
    canReturn,
  };
}

/**
 * The "return items" button: returns are on, a parcel was delivered, the window is open, and some
 * item is neither excluded nor already in a return (the form would have nothing to offer).
 */
async function canStartReturn(deps: Deps, input: { order: PageOrder; shipments: PageShipment[] }): Promise<boolean> {
  const outbound = input.shipments.filter((s) => s.direction !== 'return');
  const deliveredAt = (s: PageShipment) => [...s.events].reverse().find((e) => e.status === 'delivered')?.occurredAt ?? null;
  const eligibility: EligibilityInput = {
    policy: returnPolicyOf(input.order),
    now: deps.clock.now(),
    items: JSON.parse(input.order.items) as OrderItem[],
    shipments: outbound.map((s) => ({ status: s.status, deliveredAt: deliveredAt(s) })),
    returns: returnsOf(input.order),
    tags: new Map(),
  };
  // Most pages are of orders that cannot have a return at all: they need no catalogue read.
  if (orderRefusal(eligibility)) return false;
  const tags = await catalogueTagsOf(deps.db, input.order.brand_id, eligibility.policy, eligibility.items);
  return whyNothingCanBeReturned({ ...eligibility, tags }) === null;
}
