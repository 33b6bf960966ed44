// The catalogue in the database: upserts in batches, reads, and each brand's active products
// kept in memory for a minute (writes through this process forget them at once).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Deps } from '../deps.js';
import type { CatalogueProductRow } from '../db/schema.js';
import type { Product } from './schema.js';

export type CatalogueProduct = { id: string; title: string; imageUrl: string | null; price: number | null; currency: string; url: string; tags: string[]; active: boolean };

export const productOf = (row: CatalogueProductRow): CatalogueProduct => ({
  id: row.id,
  title: row.title,
  imageUrl: row.image_url,
  price: row.price === null ? null : Number(row.price),
  currency: row.currency,
  url: row.url,
  tags: JSON.parse(row.tags) as string[],
  active: Number(row.active) === 1,
});

/** Products saved per transaction: between two, other requests get the database and the event loop. */
const PRODUCTS_PER_TRANSACTION = 2_000;

/**
 * Inserts or replaces products, 500 per statement, 2,000 per transaction with a turn of the event
 * loop between (a 70,000-row file in one transaction held the server for seconds). An upload cut
 * off half-way leaves whole transactions saved; sending it again replaces them.
 */
export async function upsertProducts(deps: Deps, brandId: string, products: Product[]): Promise<void> {
  if (products.length === 0) return;
  const at = deps.clock.now().toISOString();
  const rows = products.map((p) => ({
    brand_id: brandId,
    id: p.id,
    title: p.title,
    image_url: p.imageUrl ?? null,
    price: p.price ?? null,
    currency: p.currency,
    url: p.url,
    tags: JSON.stringify(p.tags),
    active: p.active ? (1 as const) : (0 as const),
    created_at: at,
    updated_at: at,
  }));
  for (let first = 0; first < rows.length; first += PRODUCTS_PER_TRANSACTION) {
    if (first > 0) await nextTurn();
    await saveProductRows(deps, rows.slice(first, first + PRODUCTS_PER_TRANSACTION));
  }
  forgetCatalogue(brandId);
}

async function saveProductRows(deps: Deps, rows: CatalogueProductRow[]): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('catalogue_products')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['brand_id', 'id']).doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            image_url: eb.ref('excluded.image_url'),
            price: eb.ref('excluded.price'),
            currency: eb.ref('excluded.currency'),
            url: eb.ref('excluded.url'),
            tags: eb.ref('excluded.tags'),
            active: eb.ref('excluded.active'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  });
}

export async function deleteProduct(deps: Deps, brandId: string, productId: string): Promise<boolean> {
  const result = await deps.db.deleteFrom('catalogue_products').where('brand_id', '=', brandId).where('id', '=', productId).executeTakeFirst();
  forgetCatalogue(brandId);
  return Number(result.numDeletedRows) > 0;
}

export async function findProduct(deps: Deps, brandId: string, productId: string): Promise<CatalogueProduct | null> {
  const row = await deps.db.selectFrom('catalogue_products').selectAll().where('brand_id', '=', brandId).where('id', '=', productId).executeTakeFirst();
  return row ? productOf(row) : null;
}

export async function listProducts(deps: Deps, brandId: string, query: { limit: number; after?: string }): Promise<{ products: CatalogueProduct[]; next: string | null }> {
  let q = deps.db.selectFrom('catalogue_products').selectAll().where('brand_id', '=', brandId);
  if (query.after) q = q.where('id', '>', query.after);
  const rows = await q.orderBy('id').limit(query.limit + 1).execute();
  const more = rows.length > query.limit;
  const kept = more ? rows.slice(0, query.limit) : rows;
  return { products: kept.map(productOf), next: more ? kept[kept.length - 1]!.id : null };
}

const CATALOGUE_CACHE_MS = 60_000;
/** A catalogue larger than this is ranked from the products bought with the order's items only. */
export const CACHED_CATALOGUE_MAX = 5_000;
const catalogues = new Map<string, { products: CatalogueProduct[]; until: number }>();

function forgetCatalogue(brandId: string): void {
  catalogues.delete(brandId);
}

/** The brand's active products (up to CACHED_CATALOGUE_MAX, most recently updated first), from memory when fresh. */
export async function activeCatalogue(deps: Deps, brandId: string): Promise<CatalogueProduct[]> {
  const now = Date.now();
  const hit = catalogues.get(brandId);
  if (hit && hit.until > now) return hit.products;
  const rows = await deps.db.selectFrom('catalogue_products').selectAll().where('brand_id', '=', brandId).where('active', '=', 1).orderBy('updated_at', 'desc').limit(CACHED_CATALOGUE_MAX).execute();
  const products = rows.map(productOf);
  if (catalogues.size > 10_000) catalogues.clear();
  catalogues.set(brandId, { products, until: now + CATALOGUE_CACHE_MS });
  return products;
}
