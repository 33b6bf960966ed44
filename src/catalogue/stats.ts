// What cross-sells earned a brand over a period: page views, impressions and clicks (page and
// email), the later orders attributed to a click, and their revenue per currency (overall and per
// product; amounts in different currencies are never added together).
import type { Deps } from '../deps.js';
import { flushCounters } from '../hub/counters.js';
import { roundMoney } from '../lib/money.js';

export type CrossSellStats = Awaited<ReturnType<typeof crossSellStats>>;

export async function crossSellStats(deps: Deps, brandId: string, period: { from: string; to: string }) {
  await flushCounters(deps);
  const fromInstant = `${period.from}T00:00:00.000Z`;
  const toInstant = new Date(Date.parse(`${period.to}T00:00:00.000Z`) + 86_400_000).toISOString();
  const counters = await deps.db
    .selectFrom('hub_counters')
    .select(['metric', 'product_id', 'source'])
    .select((eb) => eb.fn.sum<number>('value').as('value'))
    .where('brand_id', '=', brandId)
    .where('day', '>=', period.from)
    .where('day', '<=', period.to)
    .groupBy(['metric', 'product_id', 'source'])
    .execute();
  const clicks = await deps.db
    .selectFrom('cross_sell_clicks')
    .select(['product_id', 'source'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('brand_id', '=', brandId)
    .where('clicked_at', '>=', fromInstant)
    .where('clicked_at', '<', toInstant)
    .groupBy(['product_id', 'source'])
    .execute();
  const attributed = await deps.db
    .selectFrom('cross_sell_attributions')
    .select(['order_id', 'product_id', 'revenue', 'currency', 'quantity'])
    .where('brand_id', '=', brandId)
    .where('placed_at', '>=', fromInstant)
    .where('placed_at', '<', toInstant)
    .execute();
  const ids = [...new Set([...counters.map((c) => c.product_id), ...clicks.map((c) => c.product_id), ...attributed.map((a) => a.product_id)].filter(Boolean))];
  const titles = ids.length ? await deps.db.selectFrom('catalogue_products').select(['id', 'title']).where('brand_id', '=', brandId).where('id', 'in', ids).execute() : [];

  const sum = (values: Array<number | string>) => values.reduce<number>((n, v) => n + Number(v), 0);
  const impressions = (source: string) => sum(counters.filter((c) => c.metric === 'impression' && c.source === source).map((c) => c.value));
  const clickCount = (source: string) => sum(clicks.filter((c) => c.source === source).map((c) => c.n));
  const allImpressions = impressions('page') + impressions('email');
  const allClicks = clickCount('page') + clickCount('email');
  return {
    from: period.from,
    to: period.to,
    pageViews: sum(counters.filter((c) => c.metric === 'page_view').map((c) => c.value)),
    impressions: { page: impressions('page'), email: impressions('email') },
    clicks: { page: clickCount('page'), email: clickCount('email') },
    clickThroughRate: allImpressions ? Math.round((allClicks / allImpressions) * 10_000) / 10_000 : 0,
    attributedOrders: new Set(attributed.map((a) => a.order_id)).size,
    revenue: revenuePerCurrency(attributed),
    products: ids
      .map((id) => {
        const mine = attributed.filter((a) => a.product_id === id);
        return {
          id,
          title: titles.find((t) => t.id === id)?.title ?? null,
          impressions: sum(counters.filter((c) => c.metric === 'impression' && c.product_id === id).map((c) => c.value)),
          clicks: sum(clicks.filter((c) => c.product_id === id).map((c) => c.n)),
          orders: new Set(mine.map((a) => a.order_id)).size,
          quantity: sum(mine.map((a) => a.quantity)),
          revenue: revenuePerCurrency(mine),
        };
      })
      // Revenue in different currencies does not compare, so the products rank by what was bought.
      .sort((a, b) => b.orders - a.orders || b.quantity - a.quantity || b.clicks - a.clicks || (a.id < b.id ? -1 : 1)),
  };
}

/** Amounts summed per currency, never across, each to its own minor unit: one entry per currency, largest first. */
export function revenuePerCurrency(rows: ReadonlyArray<{ revenue: number | string; currency: string }>): Array<{ currency: string; amount: number }> {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.currency, (totals.get(row.currency) ?? 0) + Number(row.revenue));
  return [...totals]
    .map(([currency, amount]) => ({ currency, amount: roundMoney(amount, currency) }))
    .sort((a, b) => b.amount - a.amount || (a.currency < b.currency ? -1 : 1));
}
