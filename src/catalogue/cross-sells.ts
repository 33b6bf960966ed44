// Cross-sells as the customer meets them: chosen for an order (recommend.ts), linked through
// Waybill's click redirect (/r/{token}: the click is recorded, then the shop's page opens), and
// counted as impressions when the customer is shown them (a page served, an email sent). The token
// names the order, the product and where the link was shown, all three signed, so nobody holding a
// link can forge clicks for another order or another product; and the terms of the tracking link
// it was shown with (expiry, the brand's link key version), so a click counts only while that
// link would still open. The brand's own preview of a page gets the shop's plain links and counts nothing.
import type { Deps } from '../deps.js';
import { constantTimeEqual, hmacBase64Url } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { count, type Source } from '../hub/counters.js';
import { formatMoney } from '../hub/format.js';
import { hubBaseUrl, hubOf, lookupUrlOf } from '../hub/hosts.js';
import { type HubLanguage, hubLanguageOf } from '../hub/i18n/index.js';
import { themeOf } from '../hub/theme.js';
import { FIRST_LINK_KEY_VERSION, type LinkTerms, linkStanding, orderLinkTerms, type TokenVerdict } from '../orders/tracking-links.js';
import { CROSS_SELL_MILESTONES, type CrossSell, MAX_CROSS_SELLS } from '../notifications/templates/index.js';
import { activeCatalogue, type CatalogueProduct, findProduct } from './repo.js';
import { recommend } from './recommend.js';
import { crossSellSettingsOf } from './settings.js';
import { boughtTogether, customerKey } from './together.js';

type BrandLike = { id: string; settings: string };
type OrderLike = { id: string; items: string };
type LinkStanding = Exclude<TokenVerdict, 'invalid'>;

const SOURCE_CODE: Record<Source, string> = { page: 'p', email: 'e' };
const SOURCE_OF: Record<string, Source> = { p: 'page', e: 'email' };

// The signature covers the product and the tracking link's terms too: a link is good for the one
// product it was made for, under the terms it was made with, so changing any part makes it invalid.
const signature = (key: Buffer, brandId: string, orderId: string, source: string, terms: LinkTerms, productId: string) =>
  hmacBase64Url(key, `click3|${brandId}|${orderId}|${source}|${terms.expiresAt}|${terms.keyVersion}|${productId}`).slice(0, 22);

// Links sent before they carried their tracking link's terms: signed for their product only.
const productSignature = (key: Buffer, brandId: string, orderId: string, source: string, productId: string) =>
  hmacBase64Url(key, `click2|${brandId}|${orderId}|${source}|${productId}`).slice(0, 22);

// Links sent before products were signed carry one signature per order and place, the product
// riding unsigned beside it. They are still followed (customers have them in emails), but their
// product cannot be trusted: see clickRule.
const legacySignature = (key: Buffer, brandId: string, orderId: string, source: string) => hmacBase64Url(key, `click|${brandId}|${orderId}|${source}`).slice(0, 22);

/** `{order}.{p|e}.{expiry}.{keyVersion}.{signature}.{product}`: the expiry (seconds, base 36) and version are the tracking link's. */
export function clickToken(key: Buffer, brandId: string, orderId: string, productId: string, source: Source, link: LinkTerms): string {
  const code = SOURCE_CODE[source];
  const seconds = Math.floor(link.expiresAt / 1000);
  const terms = { expiresAt: seconds * 1000, keyVersion: link.keyVersion }; // the token carries whole seconds, as tracking links do
  return `${orderId}.${code}.${seconds.toString(36)}.${terms.keyVersion}.${signature(key, brandId, orderId, code, terms, productId)}.${Buffer.from(productId).toString('base64url')}`;
}

export type ClickClaims = { orderId: string; productId: string; source: Source; sig: string; code: string; link: LinkTerms | null };

/** Splits a token without trusting it: a current one (six parts) or one sent before links carried their terms (four, `link` null). */
export function readClickToken(token: string): ClickClaims | null {
  const parts = token.split('.');
  if (parts.length !== 4 && parts.length !== 6) return null;
  const [orderId, code] = parts as [string, string];
  const [sig, product] = parts.slice(-2) as [string, string];
  if (!/^ord_[0-9a-z]{26}$/.test(orderId) || !SOURCE_OF[code] || !/^[\w-]{1,200}$/.test(product)) return null;
  let link: LinkTerms | null = null;
  if (parts.length === 6) {
    const [expiry, version] = parts.slice(2, 4) as [string, string];
    if (!/^[0-9a-z]{1,10}$/.test(expiry) || !/^\d{1,6}$/.test(version)) return null;
    link = { expiresAt: parseInt(expiry, 36) * 1000, keyVersion: Number(version) };
  }
  return { orderId, productId: Buffer.from(product, 'base64url').toString('utf8'), source: SOURCE_OF[code]!, sig, code, link };
}

/**
 * How a click token is signed: for its product and tracking link (current links), for its product
 * only or for its order and place only (links sent before each), or not at all.
 */
export type ClickSignature = 'link' | 'product' | 'legacy' | 'none';

export function clickSignatureOf(key: Buffer, brandId: string, claims: Omit<ClickClaims, 'source'>): ClickSignature {
  if (claims.link) return constantTimeEqual(signature(key, brandId, claims.orderId, claims.code, claims.link, claims.productId), claims.sig) ? 'link' : 'none';
  if (constantTimeEqual(productSignature(key, brandId, claims.orderId, claims.code, claims.productId), claims.sig)) return 'product';
  if (constantTimeEqual(legacySignature(key, brandId, claims.orderId, claims.code), claims.sig)) return 'legacy';
  return 'none';
}

/**
 * The terms a click link is held to. A current one carries its tracking link's. One sent before
 * carries none: it was in an email whose tracking link expired with the order's age, and made
 * under a link key version it does not say, so it is held to the first version: once the brand has
 * revoked its links (before or after it was sent, which cannot be told), it no longer counts.
 */
export function clickTerms(claims: Pick<ClickClaims, 'link'>, order: { created_at: string }, ttlDays: number): LinkTerms {
  return claims.link ?? orderLinkTerms({ link_key_version: FIRST_LINK_KEY_VERSION }, order, ttlDays);
}

/**
 * What a validly signed click does, pure. A product that is gone or inactive is neither counted
 * nor opened (its page may be gone; the visitor goes to the brand's shop instead). A link whose
 * tracking link has expired or been revoked (`standing`) counts nothing, but still opens its
 * product: a shop's product page tells nothing of the order, and an old email should still lead
 * somewhere useful. A link signed for its product counts. An older link's product part could have
 * been swapped, so it counts only when the product is among what the order's page (or email)
 * recommends now, a product the customer could have clicked anyway; any other active product
 * still opens, uncounted, so no link a customer has breaks and none can forge a click.
 */
export function clickRule(input: { signed: Exclude<ClickSignature, 'none'>; standing: LinkStanding; product: { active: boolean } | null; recommended: boolean }): { record: boolean; open: 'product' | 'shop' } {
  if (!input.product?.active) return { record: false, open: 'shop' };
  return { record: input.standing === 'valid' && (input.signed !== 'legacy' || input.recommended), open: 'product' };
}

/** The products to show for an order (none when the brand turned cross-sells off or has no catalogue). */
export async function recommendationsFor(deps: Deps, brand: BrandLike, order: OrderLike, limit?: number): Promise<CatalogueProduct[]> {
  const settings = crossSellSettingsOf(brand);
  if (!settings.enabled) return [];
  const catalogue = await activeCatalogue(deps, brand.id);
  if (catalogue.length === 0) return [];
  const bought = (JSON.parse(order.items) as Array<{ sku: string }>).map((i) => i.sku);
  const together = await boughtTogether(deps, brand.id, bought);
  return recommend({ bought, catalogue, together, fallback: settings.fallback, limit: limit ?? settings.perPage });
}

export type ProductLink = { product: CatalogueProduct; href: string; price: string | null };

/**
 * Recommendations with their links: tracked (through /r/, a click recorded for this order's
 * customer while `link`, the tracking link they are shown with, still holds), or, for the brand's
 * own preview (`link` null), the shop's plain product URL, which records nothing.
 * Counting what was shown is the caller's: `countImpressions` once the customer has it.
 */
export async function crossSellLinks(deps: Deps, brand: BrandLike, order: OrderLike, options: { source: Source; base: string; language: HubLanguage; limit?: number; link: LinkTerms | null }): Promise<ProductLink[]> {
  const products = await recommendationsFor(deps, brand, order, options.limit);
  if (products.length === 0) return [];
  const { link } = options;
  return products.map((product) => ({
    product,
    href: link ? `${options.base}/r/${clickToken(deps.keys['tracking-links'], brand.id, order.id, product.id, options.source, link)}` : product.url,
    price: product.price === null ? null : formatMoney(product.price, product.currency, options.language),
  }));
}

/** One impression for each product a customer was shown (a page served, an email sent). */
export function countImpressions(deps: Deps, brandId: string, productIds: readonly string[], source: Source): void {
  for (const productId of productIds) count(deps, brandId, 'impression', { productId, source });
}

/**
 * Follows a click: records it when clickRule says so, and says where to send the visitor (the
 * product's page, or the brand's shop when the product is inactive or gone), or null for a bad token.
 */
export async function followClick(deps: Deps, token: string): Promise<{ url: string } | null> {
  const claims = readClickToken(token);
  if (!claims) return null;
  const order = await deps.db.selectFrom('orders').select(['id', 'brand_id', 'customer_email', 'items', 'created_at']).where('id', '=', claims.orderId).executeTakeFirst();
  if (!order) return null;
  const signed = clickSignatureOf(deps.keys['tracking-links'], order.brand_id, claims);
  if (signed === 'none') return null;
  const [product, brand] = await Promise.all([
    findProduct(deps, order.brand_id, claims.productId),
    deps.db.selectFrom('brands').select(['id', 'settings', 'link_key_version']).where('id', '=', order.brand_id).executeTakeFirstOrThrow(),
  ]);
  const standing = linkStanding(clickTerms(claims, order, deps.config.trackingLinkTtlDays), brand.link_key_version, deps.clock.now());
  // Only an older link that could still count needs the order's recommendations, as many as its page or email shows.
  const shows = claims.source === 'email' ? MAX_CROSS_SELLS : crossSellSettingsOf(brand).perPage;
  const recommended = signed === 'legacy' && standing === 'valid' && product?.active === true ? (await recommendationsFor(deps, brand, order, shows)).some((p) => p.id === product.id) : false;
  const rule = clickRule({ signed, standing, product, recommended });
  if (rule.open === 'shop' || !product) return { url: await shopUrl(deps, brand) };
  if (rule.record) {
    await deps.db
      .insertInto('cross_sell_clicks')
      .values({ id: newId('click'), brand_id: order.brand_id, order_id: order.id, product_id: product.id, source: claims.source, customer_key: customerKey(order.customer_email), clicked_at: deps.clock.now().toISOString() })
      .execute();
  }
  return { url: withCampaign(product.url, claims.source) };
}

/**
 * Where a click on a product no longer sold goes: the shop's home page (the theme's homeUrl, where
 * the page's logo links), else the brand's tracking lookup page. Never the order's own page: the
 * tracking link the click link came with may have expired or been revoked since, and a click link
 * must not hand out a fresh one.
 */
async function shopUrl(deps: Deps, brand: { id: string; settings: string }): Promise<string> {
  const home = themeOf(brand).homeUrl;
  if (home) return home;
  return lookupUrlOf(deps.config.publicUrl, await hubOf(deps, brand.id));
}

/** The shop sees where the visit came from, unless the brand's URL already says so. */
function withCampaign(url: string, source: Source): string {
  const target = new URL(url);
  if (!target.searchParams.has('utm_source')) {
    target.searchParams.set('utm_source', 'waybill');
    target.searchParams.set('utm_medium', source === 'email' ? 'email' : 'tracking_page');
    target.searchParams.set('utm_campaign', 'cross_sell');
  }
  return target.toString();
}

/**
 * Up to three products for a shipped or delivered email, their links tracked as email clicks, and
 * their ids: the sender counts them as impressions once the email has gone (a message is built
 * again at each attempt). Their links live by the terms of the email's own tracking link; an email
 * sent once that link has expired (a very old order) shows none, as none of its clicks could count.
 */
export async function emailCrossSells(
  deps: Deps,
  brand: BrandLike & { link_key_version: number },
  order: OrderLike & { created_at: string },
  milestone: string,
  language: string,
): Promise<{ crossSells: CrossSell[]; productIds: string[] }> {
  const link = orderLinkTerms(brand, order, deps.config.trackingLinkTtlDays);
  const offered = (CROSS_SELL_MILESTONES as readonly string[]).includes(milestone) && linkStanding(link, brand.link_key_version, deps.clock.now()) === 'valid';
  if (!offered) return { crossSells: [], productIds: [] };
  const base = hubBaseUrl(deps.config.publicUrl, brand);
  const links = await crossSellLinks(deps, brand, order, { source: 'email', base, language: hubLanguageOf(language) ?? 'en', limit: MAX_CROSS_SELLS, link });
  return {
    crossSells: links.map(({ product, href }) => ({ title: product.title, url: href, ...(product.imageUrl?.startsWith('http') ? { imageUrl: product.imageUrl } : {}), ...(product.price !== null ? { price: product.price, currency: product.currency } : {}) })),
    productIds: links.map((l) => l.product.id),
  };
}
