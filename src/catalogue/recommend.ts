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

/** A catalogue's products by id: the active ones, and every entry per id. Made once per catalogue (it is cached, then shared by every page). */
type CatalogueIndex = { active: Map<string, CatalogueProduct>; all: Map<string, CatalogueProduct[]> };
const indexes = new WeakMap<readonly CatalogueProduct[], CatalogueIndex>();

function indexOf(catalogue: readonly CatalogueProduct[]): CatalogueIndex {
  let index = indexes.get(catalogue);
  if (!index) {
    index = { active: new Map(catalogue.filter((p) => p.active).map((p) => [p.id, p])), all: new Map() };
    for (const p of catalogue) index.all.set(p.id, [...(index.all.get(p.id) ?? []), p]);
    indexes.set(catalogue, index);
  }
  return index;
}

export function recommend(input: RecommendInput): CatalogueProduct[] {
  const bought = new Set(input.bought);
  const { active, all } = indexOf(input.catalogue);
  const chosen: CatalogueProduct[] = [];
  const take = (ids: Iterable<string>) => {
    for (const id of ids) {
      if (chosen.length >= input.limit) return;
      const product = bought.has(id) ? undefined : active.get(id);
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
  if (chosen.length >= input.limit) return chosen;

  // The rest: products sharing a tag with what was bought, then the best sellers, then by id.
  // Only the few still wanted are kept in order (a catalogue can hold thousands).
  const boughtTags = new Set([...bought].flatMap((id) => all.get(id) ?? []).flatMap((p) => p.tags));
  type Candidate = { product: CatalogueProduct; tagged: number; popularity: number };
  const before = (a: Candidate, b: Candidate) => b.tagged - a.tagged || b.popularity - a.popularity || (a.product.id < b.product.id ? -1 : 1);
  const wanted = input.limit - chosen.length;
  const best: Candidate[] = [];
  for (const product of active.values()) {
    if (bought.has(product.id) || chosen.includes(product)) continue;
    const candidate = { product, tagged: Number(product.tags.some((t) => boughtTags.has(t))), popularity: input.together.orders.get(product.id) ?? 0 };
    if (best.length === wanted && before(candidate, best[wanted - 1]!) > 0) continue;
    let at = best.length;
    while (at > 0 && before(candidate, best[at - 1]!) < 0) at--;
    best.splice(at, 0, candidate);
    if (best.length > wanted) best.pop();
  }
  for (const { product } of best) chosen.push(product);
  return chosen;
}
