// The files of a brand's theme that are too big for its settings JSON (its WOFF2 fonts): stored
// once per content in brand_assets, referenced from the theme by digest, served by the hub.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import type { FontFile, Theme } from './theme.js';

const FONT_TYPE = 'font/woff2';

const digestOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64url');

/**
 * The theme as it is saved: each new font file's bytes go to brand_assets and the theme keeps
 * their digest; a digest sent back must be one of this brand's; files no longer used are removed.
 * Runs inside the transaction that saves the theme, so a refused theme stores nothing.
 */
export async function saveThemeAssets(trx: Kysely<Database>, brandId: string, theme: Theme, now: Date): Promise<Theme> {
  const files = theme.fonts?.files;
  const known = await checkThemeAssets(trx, brandId, theme);
  const saved: FontFile[] = [];
  for (const file of files ?? []) {
    if (file.asset) {
      saved.push(file);
      continue;
    }
    const bytes = Buffer.from(file.data!.slice(file.data!.indexOf(',') + 1), 'base64');
    const digest = digestOf(bytes);
    if (!known.has(digest)) {
      await trx.insertInto('brand_assets').values({ brand_id: brandId, digest, content_type: FONT_TYPE, body: bytes.toString('base64'), created_at: now.toISOString() }).execute();
      known.add(digest);
    }
    const { data: _uploaded, ...kept } = file;
    saved.push({ ...kept, asset: digest });
  }
  const used = saved.map((file) => file.asset!);
  let unused = trx.deleteFrom('brand_assets').where('brand_id', '=', brandId);
  if (used.length > 0) unused = unused.where('digest', 'not in', used);
  await unused.execute();
  return files ? { ...theme, fonts: { ...theme.fonts, files: saved } } : theme;
}

/** Refuses a theme naming a saved font this brand does not have; answers the brand's saved digests. */
export async function checkThemeAssets(db: Kysely<Database>, brandId: string, theme: Theme): Promise<Set<string>> {
  const stored = await db.selectFrom('brand_assets').select('digest').where('brand_id', '=', brandId).execute();
  const known = new Set(stored.map((row) => row.digest));
  const index = (theme.fonts?.files ?? []).findIndex((file) => file.asset && !known.has(file.asset));
  if (index >= 0) throw new AppError('validation_failed', 'the theme names a font that was never saved', [{ field: `fonts.files.${index}.asset`, problem: 'no font of this brand has this asset' }]);
  return known;
}

export async function loadBrandAsset(db: Kysely<Database>, brandId: string, digest: string): Promise<{ bytes: Buffer; type: string } | undefined> {
  const row = await db.selectFrom('brand_assets').select(['content_type', 'body']).where('brand_id', '=', brandId).where('digest', '=', digest).executeTakeFirst();
  return row && { bytes: Buffer.from(row.body, 'base64'), type: row.content_type };
}
