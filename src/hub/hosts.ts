// Where a brand's hub lives: at /track/{slug} on Waybill's own address, and at the root of the
// brand's own domain (track.brand.com pointed at Waybill), found from the request's Host.
// Lookups are remembered for a few seconds: a page view never waits on them twice.
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { updateBrandSettings } from '../brands/repo.js';

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** `domain` is the custom domain in force (served, linked); `pendingDomain` one set but not proven yet. */
export type BrandHub = { brandId: string; slug: string; domain: string | null; pendingDomain: string | null };

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

/** Forgets remembered lookups after a change of slug or domain (this process at once, others within CACHE_MS). */
function forgetHosts(): void {
  byHost.clear();
  bySlug.clear();
}

/** The brand whose custom domain in force this is, or null (Waybill's own address, unknown, or not proven yet). */
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
  return row ? { brandId, slug: row.slug, domain: row.domain, pendingDomain: row.pending_domain } : { brandId, slug: brandId, domain: null, pendingDomain: null };
}

/**
 * PURE: where a domain the brand asks for goes. A new one waits for its proof (unless the instance
 * trusts brands, HUB_DOMAIN_PROOF=none) while the one in force, if any, goes on serving and being
 * linked, so moving to another domain takes nothing offline; the proof replaces it. Asking for the
 * domain in force again drops the wait for another.
 */
export function placeDomain(current: Pick<BrandHub, 'domain'>, asked: string | null, trusted: boolean): Pick<BrandHub, 'domain' | 'pendingDomain'> {
  if (asked === null) return { domain: null, pendingDomain: null };
  if (asked === current.domain || trusted) return { domain: asked, pendingDomain: null };
  return { domain: current.domain, pendingDomain: asked };
}

const domainTaken = (domain: string) => new AppError('conflict', `the domain "${domain}" is used by another brand`, [{ field: 'domain', problem: 'already used by another brand' }]);

/** Whether a write failed on a unique index (SQLite and PostgreSQL say it differently). */
const isUniqueViolation = (error: unknown): boolean => ['SQLITE_CONSTRAINT_UNIQUE', '23505'].includes(String((error as { code?: unknown }).code));

/**
 * Sets the slug and domain; another brand's slug, or a domain in force for another brand, is a 409
 * naming the field. A domain only pending elsewhere is no obstacle: the first to prove it holds it.
 */
export async function saveHub(deps: Deps, brandId: string, input: { slug?: string | null; domain?: string | null }): Promise<BrandHub> {
  const current = await hubOf(deps, brandId);
  const asked = input.domain === undefined ? (current.pendingDomain ?? current.domain) : input.domain;
  const next = { slug: input.slug ?? current.slug, ...placeDomain(current, asked, deps.config.domainProof.mode === 'none') };
  const slugTaken = next.slug !== current.slug && (await heldByAnother(deps, 'slug', next.slug, brandId));
  if (slugTaken) throw new AppError('conflict', `the slug "${next.slug}" is used by another brand`, [{ field: 'slug', problem: 'already used by another brand' }]);
  const wanted = next.pendingDomain ?? next.domain;
  const domainChanged = wanted !== (current.pendingDomain ?? current.domain);
  if (wanted && domainChanged && (await heldByAnother(deps, 'domain', wanted, brandId))) throw domainTaken(wanted);
  const at = deps.clock.now().toISOString();
  // A new domain starts its wait afresh; the same one asked again keeps its place and last check.
  const claim = domainChanged || next.pendingDomain === null ? { pending_domain: next.pendingDomain, pending_since: next.pendingDomain ? at : null, domain_checked_at: null, domain_problem: null } : {};
  const row = { slug: next.slug, domain: next.domain, ...claim, updated_at: at };
  try {
    await deps.db
      .insertInto('brand_hubs')
      .values({ brand_id: brandId, ...row })
      .onConflict((oc) => oc.column('brand_id').doUpdateSet(row))
      .execute();
  } catch (error) {
    if (next.domain && isUniqueViolation(error)) throw domainTaken(next.domain); // another brand took it meanwhile
    throw error;
  }
  forgetHosts();
  return { brandId, ...next };
}

/** Whether another brand has this slug, or this domain in force. */
async function heldByAnother(deps: Pick<Deps, 'db'>, field: 'slug' | 'domain', value: string, brandId: string): Promise<boolean> {
  return (await deps.db.selectFrom('brand_hubs').select('brand_id').where(field, '=', value).where('brand_id', '<>', brandId).executeTakeFirst()) !== undefined;
}

/** Whether another brand holds this domain in force (a pending claim of it can never be proven then). */
export const domainHeldByAnother = (deps: Pick<Deps, 'db'>, domain: string, brandId: string) => heldByAnother(deps, 'domain', domain, brandId);

/**
 * Puts the brand's proven pending domain in force, and into the settings that message links are
 * built from, in one transaction. 'taken' when another brand proved it first (the unique index
 * decides between two proofs at once); 'moved' when the brand has set another domain since.
 */
export async function putDomainInForce(deps: Deps, brandId: string, domain: string): Promise<'in_force' | 'taken' | 'moved'> {
  const at = deps.clock.now().toISOString();
  let moved = false;
  try {
    await updateBrandSettings(deps, brandId, async (settings, trx) => {
      const done = await trx
        .updateTable('brand_hubs')
        .set({ domain, pending_domain: null, pending_since: null, domain_checked_at: at, domain_problem: null, updated_at: at })
        .where('brand_id', '=', brandId)
        .where('pending_domain', '=', domain)
        .executeTakeFirst();
      moved = Number(done.numUpdatedRows) === 0;
      const hub = (settings.hub ?? {}) as Record<string, unknown>;
      return moved ? settings : { ...settings, hub: { ...hub, domain } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return 'taken';
    throw error;
  }
  forgetHosts();
  return moved ? 'moved' : 'in_force';
}

/** The brand's "track my order" page: /track on its own domain, else /track/{slug} at Waybill's address. */
export const lookupUrlOf = (publicUrl: string, hub: Pick<BrandHub, 'slug' | 'domain'>): string => (hub.domain ? `https://${hub.domain}/track` : `${publicUrl}/track/${hub.slug}`);

export function hubBaseUrl(publicUrl: string, brand: { settings?: string }): string {
  if (!brand.settings) return publicUrl;
  const domain = (JSON.parse(brand.settings) as { hub?: { domain?: string | null } }).hub?.domain;
  return domain ? `https://${domain}` : publicUrl;
}
