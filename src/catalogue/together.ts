// "Bought together", counted from the brand's own orders: when an order is created (its job),
// each SKU's order count and each pair's co-count go up by one, exactly once per order (the
// order's mark and the counts are written in one transaction). The same job attributes the order
// to earlier cross-sell clicks by the same customer.
import { sql, type Transaction } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../db/schema.js';
import { sha256Hex } from '../lib/crypto.js';
import { roundMoney } from '../lib/money.js';
import { orderCurrency } from '../orders/currency.js';
import type { BoughtTogether } from './recommend.js';
import { crossSellSettingsOf } from './settings.js';

/** The customer behind an order, as clicks and later orders are matched: a digest of the email. */
export const customerKey = (email: string) => sha256Hex(email.trim().toLowerCase());

/** SKUs of an order, each once; more than 50 distinct SKUs in one order says nothing about pairs. */
function skusOf(itemsJson: string): string[] {
  const skus = [...new Set((JSON.parse(itemsJson) as Array<{ sku: string }>).map((i) => i.sku))];
  return skus.length <= 50 ? skus : [];
}

async function addCounts(trx: Transaction<Database>, brandId: string, skus: string[]): Promise<void> {
  if (skus.length === 0) return;
  await trx
    .insertInto('copurchase_skus')
    .values(skus.map((sku) => ({ brand_id: brandId, sku, orders: 1 })))
    .onConflict((oc) => oc.columns(['brand_id', 'sku']).doUpdateSet({ orders: sql`copurchase_skus.orders + 1` }))
    .execute();
  const pairs = skus.flatMap((sku) => skus.filter((other) => other !== sku).map((other) => ({ brand_id: brandId, sku, other_sku: other, orders: 1 })));
  for (let i = 0; i < pairs.length; i += 500) {
    await trx
      .insertInto('copurchase_pairs')
      .values(pairs.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['brand_id', 'sku', 'other_sku']).doUpdateSet({ orders: sql`copurchase_pairs.orders + 1` }))
      .execute();
  }
}

/** Counts one order (idempotent) and attributes it to earlier clicks. Runs from the order's job. */
export async function countOrder(deps: Deps, orderId: string): Promise<void> {
  const order = await deps.db.selectFrom('orders').select(['id', 'brand_id', 'items', 'currency', 'customer_email', 'placed_at']).where('id', '=', orderId).executeTakeFirst();
  if (!order) return;
  const brand = await deps.db.selectFrom('brands').select('settings').where('id', '=', order.brand_id).executeTakeFirst();
  const windowDays = brand ? crossSellSettingsOf(brand).attributionWindowDays : 30;
  await deps.db.transaction().execute(async (trx) => {
    const marked = await trx
      .insertInto('hub_order_marks')
      .values({ order_id: order.id, brand_id: order.brand_id, processed_at: deps.clock.now().toISOString() })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .returning('order_id')
      .executeTakeFirst();
    if (!marked) return;
    await addCounts(trx, order.brand_id, skusOf(order.items));
    await attribute(trx, order, windowDays);
  });
  forgetTogether(order.brand_id);
}

type OrderItem = { sku: string; quantity: number; price?: number };

/**
 * What the items of one product earned, in the order's currency: each item's own price × quantity,
 * else the catalogue's price when the catalogue writes it in that same currency. A catalogue price
 * in another currency cannot be added without a rate, so such an item adds nothing. Rounded to the
 * currency's own minor unit (thousandths for KWD), not always to the cent.
 */
export function attributedRevenue(bought: readonly OrderItem[], catalogue: { price: number | null; currency: string } | undefined, currency: string): number {
  const fallback = catalogue && catalogue.price !== null && catalogue.currency === currency ? Number(catalogue.price) : 0;
  const revenue = bought.reduce((sum, i) => sum + (i.price ?? fallback) * i.quantity, 0);
  return roundMoney(revenue, currency);
}

/**
 * A later order by the same customer that contains a product they clicked within the window is
 * attributed to the first such click, with its revenue in the order's currency.
 */
async function attribute(trx: Transaction<Database>, order: { id: string; brand_id: string; items: string; currency: string | null; customer_email: string; placed_at: string }, windowDays: number): Promise<void> {
  const items = JSON.parse(order.items) as OrderItem[];
  const currency = orderCurrency(order);
  const since = new Date(Date.parse(order.placed_at) - windowDays * 86_400_000).toISOString();
  const clicks = await trx
    .selectFrom('cross_sell_clicks')
    .select(['id', 'product_id', 'order_id', 'clicked_at'])
    .where('brand_id', '=', order.brand_id)
    .where('customer_key', '=', customerKey(order.customer_email))
    .where('clicked_at', '>=', since)
    .where('clicked_at', '<=', order.placed_at)
    .where('order_id', '<>', order.id)
    .where('product_id', 'in', items.map((i) => i.sku))
    .orderBy('clicked_at')
    .execute();
  if (clicks.length === 0) return;
  const products = await trx.selectFrom('catalogue_products').select(['id', 'price', 'currency']).where('brand_id', '=', order.brand_id).where('id', 'in', clicks.map((c) => c.product_id)).execute();
  const rows = new Map<string, { order_id: string; product_id: string; brand_id: string; click_id: string; quantity: number; revenue: number; currency: string; placed_at: string }>();
  for (const click of clicks) {
    if (rows.has(click.product_id)) continue; // the first click gets the credit
    const product = products.find((p) => p.id === click.product_id);
    const bought = items.filter((i) => i.sku === click.product_id);
    const quantity = bought.reduce((n, i) => n + i.quantity, 0);
    rows.set(click.product_id, { order_id: order.id, product_id: click.product_id, brand_id: order.brand_id, click_id: click.id, quantity, revenue: attributedRevenue(bought, product, currency), currency, placed_at: order.placed_at });
  }
  await trx.insertInto('cross_sell_attributions').values([...rows.values()]).onConflict((oc) => oc.columns(['order_id', 'product_id']).doNothing()).execute();
}

/** Counts baskets that are not orders in this database (a history brought from elsewhere, the demo's). */
export async function countBaskets(deps: Deps, brandId: string, baskets: readonly string[][]): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    for (const basket of baskets) await addCounts(trx, brandId, [...new Set(basket)]);
  });
  forgetTogether(brandId);
}

/** Counts every order of the brand not yet counted (orders that existed before the hub, or imports). */
export async function countAllOrders(deps: Deps, brandId: string): Promise<number> {
  let counted = 0;
  for (;;) {
    const batch = await deps.db
      .selectFrom('orders')
      .select('orders.id')
      .leftJoin('hub_order_marks', 'hub_order_marks.order_id', 'orders.id')
      .where('orders.brand_id', '=', brandId)
      .where('hub_order_marks.order_id', 'is', null)
      .orderBy('orders.id')
      .limit(500)
      .execute();
    if (batch.length === 0) return counted;
    for (const { id } of batch) await countOrder(deps, id);
    counted += batch.length;
  }
}

const TOGETHER_CACHE_MS = 5 * 60_000;
const together = new Map<string, { value: BoughtTogether; until: number }>();
const forgetTogether = (brandId: string) => {
  for (const key of together.keys()) if (key.startsWith(`${brandId}|`)) together.delete(key);
};

/** The counts that concern these SKUs (theirs, their partners'), remembered for five minutes. */
export async function boughtTogether(deps: Deps, brandId: string, skus: readonly string[]): Promise<BoughtTogether> {
  const sorted = [...new Set(skus)].sort();
  const cacheKey = `${brandId}|${sorted.join('\u0000')}`;
  const now = Date.now();
  const hit = together.get(cacheKey);
  if (hit && hit.until > now) return hit.value;
  const pairRows = sorted.length ? await deps.db.selectFrom('copurchase_pairs').select(['sku', 'other_sku', 'orders']).where('brand_id', '=', brandId).where('sku', 'in', sorted).execute() : [];
  const involved = [...new Set([...sorted, ...pairRows.map((p) => p.other_sku)])];
  const orderRows = involved.length ? await deps.db.selectFrom('copurchase_skus').select(['sku', 'orders']).where('brand_id', '=', brandId).where('sku', 'in', involved.slice(0, 1000)).execute() : [];
  const pairs = new Map<string, Map<string, number>>();
  for (const row of pairRows) {
    const list = pairs.get(row.sku) ?? new Map<string, number>();
    list.set(row.other_sku, Number(row.orders));
    pairs.set(row.sku, list);
  }
  const value: BoughtTogether = { orders: new Map(orderRows.map((r) => [r.sku, Number(r.orders)])), pairs };
  if (together.size > 50_000) together.clear();
  together.set(cacheKey, { value, until: now + TOGETHER_CACHE_MS });
  return value;
}
