// Where a brand's hub lives: at /track/{slug} on Waybill's own address, and at the root of the
// brand's own domain (track.brand.com pointed at Waybill), found from the request's Host.
// Lookups are remembered for a few seconds: a page view never waits on them twice.
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { AppError } from '../lib/errors.js';

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export type BrandHub = { brandId: string; slug: string; domain: string | null };

const CACHE_MS = 5_000;
type Entry = { value: BrandRow | null; until: number };
const byHost = new Map<string, Entry>();
const bySlug = new Map<string, Entry>();

/** The request's host name, lower-cased and without its port. */
export const hostName = (header: string | undefined): string => (header ?? '').trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');

async function remembered(cache: Map<string, Entry>, key: string, load: () => Promise<BrandRow | undefined>): Promise<BrandRow | null> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.value;
  const value = (await load()) ?? null;
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { value, until: now + CACHE_MS });
  return value;
}

const publicHosts = new Map<string, string>();
/** Waybill's own host name, parsed once per configured address (every page view asks). */
function publicHost(publicUrl: string): string {
  let host = publicHosts.get(publicUrl);
  if (host === undefined) {
    host = new URL(publicUrl).hostname;
    publicHosts.set(publicUrl, host);
  }
  return host;
}

/** The brand whose custom domain this is, or null (Waybill's own address, or unknown). */
export function brandForHost(deps: Deps, host: string): Promise<BrandRow | null> {
  if (!host || host === publicHost(deps.config.publicUrl)) return Promise.resolve(null);
  return remembered(byHost, host, () =>
    deps.db.selectFrom('brand_hubs').innerJoin('brands', 'brands.id', 'brand_hubs.brand_id').selectAll('brands').where('brand_hubs.domain', '=', host).executeTakeFirst(),
  );
}

/** The brand of a hub slug; a brand that never chose one is reachable by its id. */
export function brandForSlug(deps: Deps, slug: string): Promise<BrandRow | null> {
  return remembered(bySlug, slug, async () => {
    const viaSlug = await deps.db.selectFrom('brand_hubs').innerJoin('brands', 'brands.id', 'brand_hubs.brand_id').selectAll('brands').where('brand_hubs.slug', '=', slug).executeTakeFirst();
    if (viaSlug || !slug.startsWith('brd_')) return viaSlug;
    const hub = await deps.db.selectFrom('brand_hubs').select('brand_id').where('brand_id', '=', slug).executeTakeFirst();
    return hub ? undefined : deps.db.selectFrom('brands').selectAll().where('id', '=', slug).executeTakeFirst();
  });
}

export async function hubOf(deps: Deps, brandId: string): Promise<BrandHub> {
  const row = await deps.db.selectFrom('brand_hubs').selectAll().where('brand_id', '=', brandId).executeTakeFirst();
  return row ? { brandId, slug: row.slug, domain: row.domain } : { brandId, slug: brandId, domain: null };
}

/** Sets the slug and domain; another brand's slug or domain is a 409 naming the field. */
export async function saveHub(deps: Deps, brandId: string, input: { slug?: string | null; domain?: string | null }): Promise<BrandHub> {
  const current = await hubOf(deps, brandId);
  const next = { slug: input.slug ?? current.slug, domain: input.domain === undefined ? current.domain : input.domain };
  for (const field of ['slug', 'domain'] as const) {
    const value = next[field];
    if (!value || value === current[field]) continue;
    const taken = await deps.db.selectFrom('brand_hubs').select('brand_id').where(field, '=', value).where('brand_id', '<>', brandId).executeTakeFirst();
    if (taken) throw new AppError('conflict', `the ${field} "${value}" is used by another brand`, [{ field, problem: 'already used by another brand' }]);
  }
  const at = new Date().toISOString();
  await deps.db
    .insertInto('brand_hubs')
    .values({ brand_id: brandId, slug: next.slug, domain: next.domain, updated_at: at })
    .onConflict((oc) => oc.column('brand_id').doUpdateSet({ slug: next.slug, domain: next.domain, updated_at: at }))
    .execute();
  byHost.clear();
  bySlug.clear();
  return { brandId, ...next };
}

/** The address customers use for this brand's pages: its own domain when it has one. */
/** The brand's "track my order" page: /track on its own domain, else /track/{slug} at Waybill's address. */
export const lookupUrlOf = (publicUrl: string, hub: Pick<BrandHub, 'slug' | 'domain'>): string => (hub.domain ? `https://${hub.domain}/track` : `${publicUrl}/track/${hub.slug}`);

export function hubBaseUrl(publicUrl: string, brand: { settings?: string }): string {
  if (!brand.settings) return publicUrl;
  const domain = (JSON.parse(brand.settings) as { hub?: { domain?: string | null } }).hub?.domain;
  return domain ? `https://${domain}` : publicUrl;
}
