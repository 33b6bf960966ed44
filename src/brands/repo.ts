// Brands and their API keys. A key is shown once; only its SHA-256 digest is stored.
import { lockedForUpdate } from '../db/locks.js';
import type { Db, DbHandle } from '../db/connect.js';
import type { BrandRow } from '../db/schema.js';
import { randomToken, sha256Hex } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { FIRST_LINK_KEY_VERSION } from '../orders/tracking-links.js';

export const API_KEY_PREFIX = 'wb_';

export async function createBrand(db: Db, now: Date, input: { name: string; id?: string }): Promise<{ brand: BrandRow; apiKey: string }> {
  const values = { id: input.id ?? newId('brand'), name: input.name, created_at: now.toISOString(), link_key_version: FIRST_LINK_KEY_VERSION, settings: '{}' };
  const apiKey = await db.transaction().execute(async (trx) => {
    await trx.insertInto('brands').values(values).execute();
    return issueApiKey(trx, values.id, now);
  });
  return { brand: { ...values, links_revoked_at: null }, apiKey };
}

export async function issueApiKey(db: Db, brandId: string, now: Date): Promise<string> {
  // 24 random bytes = 192 bits.
  const apiKey = `${API_KEY_PREFIX}${randomToken(24)}`;
  await db
    .insertInto('api_keys')
    .values({ id: newId('apiKey'), brand_id: brandId, key_hash: sha256Hex(apiKey), key_prefix: apiKey.slice(0, 8), created_at: now.toISOString(), revoked_at: null })
    .execute();
  return apiKey;
}

export async function findBrandByApiKey(db: Db, apiKey: string): Promise<BrandRow | undefined> {
  return db
    .selectFrom('api_keys')
    .innerJoin('brands', 'brands.id', 'api_keys.brand_id')
    .selectAll('brands')
    .where('api_keys.key_hash', '=', sha256Hex(apiKey))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

export const getBrand = (db: Db, brandId: string) => db.selectFrom('brands').selectAll().where('id', '=', brandId).executeTakeFirst();

/** A brand's settings as stored: one JSON document that every part of Waybill keeps a key of. */
export type StoredSettings = Record<string, unknown>;

/**
 * Changes a brand's settings as one read-modify-write: `change` gets the stored document (and the
 * transaction, for writes that go with it) and returns the new one, which is saved and returned.
 * The brand's row is locked first on PostgreSQL (SQLite runs one transaction at a time), so two
 * saves at the same moment (the theme and the returns policy, say) run one after the other and
 * neither loses the other's key.
 */
export async function updateBrandSettings<S extends StoredSettings = StoredSettings>(
  deps: { db: Db; dialect: DbHandle['dialect'] },
  brandId: string,
  change: (current: S, trx: Db) => S | Promise<S>,
): Promise<S> {
  return deps.db.transaction().execute(async (trx) => {
    const read = trx.selectFrom('brands').select('settings').where('id', '=', brandId);
    const row = await lockedForUpdate(read, deps.dialect).executeTakeFirstOrThrow();
    const next = await change(JSON.parse(row.settings) as S, trx);
    await trx.updateTable('brands').set({ settings: JSON.stringify(next) }).where('id', '=', brandId).execute();
    return next;
  });
}

/** Where a brand's tracking links stand: the version they are signed under now, and when the brand last revoked them (null: never). */
export async function linkKeyState(db: Db, brandId: string): Promise<{ linkKeyVersion: number; revokedAt: string | null }> {
  const row = await db.selectFrom('brands').select(['link_key_version', 'links_revoked_at']).where('id', '=', brandId).executeTakeFirstOrThrow();
  return { linkKeyVersion: row.link_key_version, revokedAt: row.links_revoked_at };
}

/** A revocation of a brand's tracking links: the version links are signed under from then on, and when. */
export type LinkRevocation = { linkKeyVersion: number; revokedAt: string };

/**
 * Revokes every tracking link the brand has handed out (pages, their JSON, return forms and labels,
 * short links in texts), by moving its link key version on; links made from now on are signed under
 * the new one. API keys, webhook secrets, unsubscribe links and every other brand are untouched.
 */
export async function rotateLinkKey(db: Db, brandId: string, now: Date): Promise<LinkRevocation> {
  const revokedAt = now.toISOString();
  const row = await db
    .updateTable('brands')
    .set((eb) => ({ link_key_version: eb('link_key_version', '+', 1), links_revoked_at: revokedAt }))
    .where('id', '=', brandId)
    .returning('link_key_version')
    .executeTakeFirstOrThrow();
  return { linkKeyVersion: row.link_key_version, revokedAt };
}
