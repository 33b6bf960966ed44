// Which products to show a customer, pure: those bought together with what they bought (from the
// brand's own orders), never what they bought, then the brand's fallback list, then products
// sharing a tag with their items, then the brand's best sellers.
//
// "Bought together" is item-to-item cosine similarity: the orders holding both b and c, divided
// by √(orders with b × orders with c). Raw co-counts would always put the best seller first;
// cosine puts first what goes *with* this item. A pair seen in fewer than MIN_SUPPORT orders is
// noise, not a pattern.
import type { CatalogueProduct } from './repo.js';

export const MIN_SUPPORT = 2;

export type BoughtTogether = {
  /** Orders holding each SKU. */
  orders: ReadonlyMap<string, number>;
  /** For each bought SKU: other SKU → orders holding both. */
  pairs: ReadonlyMap<string, ReadonlyMap<string, number>>;
};

export type RecommendInput = {
  bought: readonly string[];
  catalogue: readonly CatalogueProduct[];
  together: BoughtTogether;
  fallback: readonly string[];
  limit: number;
};

export function recommend(input: RecommendInput): CatalogueProduct[] {
  const bought = new Set(input.bought);
  const byId = new Map(input.catalogue.filter((p) => p.active && !bought.has(p.id)).map((p) => [p.id, p]));
  const chosen: CatalogueProduct[] = [];
  const take = (ids: Iterable<string>) => {
    for (const id of ids) {
      if (chosen.length >= input.limit) return;
      const product = byId.get(id);
      if (product && !chosen.includes(product)) chosen.push(product);
    }
  };

  const scores = new Map<string, number>();
  for (const sku of bought) {
    const pairs = input.together.pairs.get(sku);
    const skuOrders = input.together.orders.get(sku) ?? 0;
    if (!pairs || skuOrders === 0) continue;
    for (const [other, both] of pairs) {
      if (both < MIN_SUPPORT || bought.has(other)) continue;
      const otherOrders = input.together.orders.get(other) ?? both;
      scores.set(other, (scores.get(other) ?? 0) + both / Math.sqrt(skuOrders * otherOrders));
    }
  }
  take([...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id));
  take(input.fallback);

  const boughtTags = new Set(input.catalogue.filter((p) => bought.has(p.id)).flatMap((p) => p.tags));
  const popularity = (p: CatalogueProduct) => input.together.orders.get(p.id) ?? 0;
  const rest = [...byId.values()].sort(
    (a, b) =>
      Number(b.tags.some((t) => boughtTags.has(t))) - Number(a.tags.some((t) => boughtTags.has(t))) || popularity(b) - popularity(a) || (a.id < b.id ? -1 : 1),
  );
  take(rest.map((p) => p.id));
  return chosen;
}
