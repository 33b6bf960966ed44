// The demo brand's hub: its look (an inline SVG logo, colours, navigation, footer, support), a small
// catalogue whose "bought together" counts come from a made-up order history, a returns policy,
// and a return that starts by itself once the first demo parcel is delivered.
import { updateBrandSettings } from '../brands/repo.js';
import { upsertProducts } from '../catalogue/repo.js';
import type { Product } from '../catalogue/schema.js';
import { countBaskets } from '../catalogue/together.js';
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { saveThemeAssets } from '../hub/brand-assets.js';
import { saveHub } from '../hub/hosts.js';
import type { Theme } from '../hub/theme.js';
import { requestReturn } from '../returns/service.js';

export const DEMO_SLUG = 'northwind';

const svg = (body: string, width: number, height: number) => `data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`).toString('base64')}`;

const LOGO = svg('<path d="M4 34 20 6l16 28z" fill="#f2c14e"/><path d="M14 34 24 17l10 17z" fill="#e07a3f"/><text x="46" y="27" font-family="Georgia,serif" font-size="21" fill="#fff">Northwind</text>', 176, 40);

/** A product picture: a coloured tile with a simple shape, small enough to ship inline. */
const tile = (color: string, shape: string) => svg(`<rect width="120" height="120" rx="14" fill="${color}"/>${shape}`, 120, 120);

const PRODUCTS: Product[] = [
  { id: 'NW-TEE-01', title: 'Organic cotton tee', price: 28, url: 'https://northwind.example/tee', imageUrl: tile('#4b7f52', '<path d="M30 40 50 28h20l20 12-8 14-10-5v43H48V49l-10 5z" fill="#fff"/>'), tags: ['tops'], currency: 'USD', active: true },
  { id: 'NW-HOOD-02', title: 'Trail hoodie', price: 74, url: 'https://northwind.example/hoodie', imageUrl: tile('#2f4858', '<path d="M34 44 50 26h20l16 18-8 12-8-4v40H50V52l-8 4z" fill="#fff"/>'), tags: ['tops'], currency: 'USD', active: true },
  { id: 'NW-SOCK-03', title: 'Merino hiking socks (3 pack)', price: 24, url: 'https://northwind.example/socks', imageUrl: tile('#8a5a44', '<path d="M48 24h22v46l12 12-10 12-24-22z" fill="#fff"/>'), tags: ['hiking'], currency: 'USD', active: true },
  { id: 'NW-JKT-04', title: 'Packable rain jacket', price: 129, url: 'https://northwind.example/jacket', imageUrl: tile('#1f3a2e', '<path d="M30 42 48 26h24l18 16-6 48H36z" fill="#f2c14e"/>'), tags: ['outerwear', 'hiking'], currency: 'USD', active: true },
  { id: 'NW-CAP-05', title: 'Canvas cap', price: 22, url: 'https://northwind.example/cap', imageUrl: tile('#c9a227', '<path d="M28 70c0-22 14-34 32-34s32 12 32 34z" fill="#fff"/><path d="M60 70h38v8H60z" fill="#fff"/>'), tags: ['accessories'], currency: 'USD', active: true },
  { id: 'NW-BTL-06', title: 'Insulated steel bottle', price: 32, url: 'https://northwind.example/bottle', imageUrl: tile('#3b6e8f', '<rect x="46" y="22" width="28" height="78" rx="10" fill="#fff"/>'), tags: ['hiking', 'accessories'], currency: 'USD', active: true },
  { id: 'NW-GAIT-07', title: 'Waterproof gaiters', price: 45, url: 'https://northwind.example/gaiters', imageUrl: tile('#5c4b8a', '<path d="M44 24h32v70H44z" fill="#fff"/>'), tags: ['hiking'], currency: 'USD', active: true },
  { id: 'NW-BNE-08', title: 'Wool beanie', price: 26, url: 'https://northwind.example/beanie', imageUrl: tile('#a23e48', '<path d="M30 78c0-26 13-44 30-44s30 18 30 44z" fill="#fff"/>'), tags: ['accessories'], currency: 'USD', active: true },
];

/** What the brand's customers bought together (the demo's stand-in for its order history). */
const HISTORY: Array<[number, string[]]> = [
  [14, ['NW-JKT-04', 'NW-GAIT-07']],
  [9, ['NW-JKT-04', 'NW-SOCK-03']],
  [12, ['NW-SOCK-03', 'NW-BTL-06']],
  [10, ['NW-TEE-01', 'NW-CAP-05']],
  [8, ['NW-HOOD-02', 'NW-BNE-08']],
  [40, ['NW-TEE-01']],
  [25, ['NW-HOOD-02']],
];

const THEME: Theme = {
  logo: { data: LOGO, width: 176, height: 40, alt: 'Northwind Outfitters' },
  colors: { primary: '#1f3a2e', accent: '#b4531a', background: '#f4f1ea' },
  fonts: { headings: 'Georgia, "Times New Roman", serif' },
  homeUrl: 'https://northwind.example/',
  // Written in the four languages of the demo's customers, as a brand that sells to them would.
  nav: [
    { label: 'Shop', url: 'https://northwind.example/shop', labelByLanguage: { es: 'Tienda', fr: 'Boutique' } },
    { label: 'Journal', url: 'https://northwind.example/journal', labelByLanguage: { es: 'Diario', de: 'Magazin' } },
    { label: 'Help', url: 'https://northwind.example/help', labelByLanguage: { es: 'Ayuda', fr: 'Aide', de: 'Hilfe' } },
  ],
  footer: {
    text: 'Northwind Outfitters · Gear for the long way round',
    textByLanguage: {
      es: 'Northwind Outfitters · Equipo para los caminos largos',
      fr: 'Northwind Outfitters · De l’équipement pour les longues routes',
      de: 'Northwind Outfitters · Ausrüstung für lange Wege',
    },
    links: [
      {
        label: 'Returns policy',
        url: 'https://northwind.example/returns',
        labelByLanguage: { es: 'Política de devoluciones', fr: 'Politique de retour', de: 'Rückgabebedingungen' },
      },
    ],
  },
  support: { email: 'help@northwind.example', phone: '+1 614 555 0134' },
};

export async function seedDemoHub(deps: Deps, brand: BrandRow): Promise<BrandRow> {
  const hub = await saveHub(deps, brand.id, { slug: DEMO_SLUG });
  const settings = await updateBrandSettings(deps, brand.id, async (current, trx) => ({
    ...current,
    theme: await saveThemeAssets(trx, brand.id, THEME, deps.clock.now()), // the logo's bytes to brand_assets, as PUT /v1/brand/theme does
    hub: { slug: hub.slug, domain: null },
    crossSells: { enabled: true, fallback: ['NW-BTL-06', 'NW-CAP-05'], attributionWindowDays: 30, perPage: 4 },
    returns: { enabled: true, windowDays: 30, excludedSkus: [], excludedTags: [], reasons: ['wrong_size', 'not_as_described', 'damaged', 'changed_mind', 'other'], labelPaidBy: 'brand', labelFee: 0, currency: 'USD', approval: 'automatic', carrier: 'simulated' },
    look: { primaryColor: '#1f3a2e', accentColor: '#b4531a', supportEmail: 'help@northwind.example' },
  }));
  await upsertProducts(deps, brand.id, PRODUCTS);
  await countBaskets(deps, brand.id, HISTORY.flatMap(([times, basket]) => Array.from({ length: times }, () => basket)));
  return { ...brand, settings: JSON.stringify(settings) };
}

/**
 * Watches for the first delivered demo order and asks for a return on it, as its customer would
 * from the tracking page: the label is bought and the parcel travels back on the demo clock.
 */
export function startDemoReturn(deps: Deps, brand: BrandRow): () => void {
  let done = false;
  const timer = setInterval(() => {
    if (done) return;
    tryDemoReturn(deps, brand)
      .then((started) => (done = started))
      .catch((error) => deps.log.warn({ err: error }, 'demo return not started'));
  }, 3_000);
  timer.unref();
  return () => clearInterval(timer);
}

async function tryDemoReturn(deps: Deps, brand: BrandRow): Promise<boolean> {
  const delivered = await deps.db
    .selectFrom('shipments')
    .innerJoin('orders', 'orders.id', 'shipments.order_id')
    .selectAll('orders')
    .where('shipments.brand_id', '=', brand.id)
    .where('shipments.direction', '=', 'outbound')
    .where('shipments.status', '=', 'delivered')
    .orderBy('orders.id')
    .executeTakeFirst();
  if (!delivered) return false;
  const fresh = (await deps.db.selectFrom('brands').selectAll().where('id', '=', brand.id).executeTakeFirst()) ?? brand;
  const items = JSON.parse(delivered.items) as Array<{ sku: string; quantity: number }>;
  const result = await requestReturn(deps, fresh, delivered, { items: [{ sku: items[0]!.sku, quantity: 1 }], reason: 'wrong_size', comment: 'A size up, please.' }, { by: 'customer' });
  if (result.ok) deps.notifyJobsEnqueued();
  return true;
}
