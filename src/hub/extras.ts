// What a tracking page shows beside the tracking itself: products the customer may like, and
// whether a return can be started. Filled in by the catalogue and returns modules.
import type { Deps } from '../deps.js';
import type { HubLanguage } from './i18n/index.js';
import type { PageOrder, PageShipment } from './order-data.js';
import type { ProductCard } from './pages/order-page.js';

export type PageExtras = { crossSells: ProductCard[]; canReturn: boolean };

export async function pageExtras(_deps: Deps, _input: { order: PageOrder; shipments: PageShipment[]; language: HubLanguage; base: string }): Promise<PageExtras> {
  return { crossSells: [], canReturn: false };
}
