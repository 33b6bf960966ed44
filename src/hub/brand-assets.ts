// The files of a brand's theme that are too big for its settings JSON (its logo and WOFF2 fonts):
// stored once per content in brand_assets, referenced from the theme by digest, served by the hub.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import type { Theme } from './theme.js';

const digestOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64url');

/** A data: URI's media type and bytes (the theme's schema has checked its shape). */
function decodeDataUri(uri: string): { type: string; bytes: Buffer } {
  return { type: uri.slice('data:'.length, uri.indexOf(';')), bytes: Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64') };
}

/** True when the theme carries a file's bytes itself (sent to be saved, or saved before the files moved out). */
export const hasInlineFiles = (theme: Theme | undefined): boolean => Boolean(theme?.logo?.data || theme?.fonts?.files?.some((file) => file.data));

/**
 * The theme as it is saved: each new file's bytes (the logo's, the fonts') go to brand_assets and
 * the theme keeps their digest as `asset`; a digest sent back must be one of this brand's; files no
 * longer used are removed. Runs inside the transaction that saves the theme, so a refused theme
 * stores nothing.
 */
export async function saveThemeAssets(trx: Kysely<Database>, brandId: string, theme: Theme, now: Date): Promise<Theme> {
  const known = await checkThemeAssets(trx, brandId, theme);
  const store = async (uri: string): Promise<string> => {
    const { type, bytes } = decodeDataUri(uri);
    const digest = digestOf(bytes);
    if (!known.has(digest)) {
      // Another save of the same brand may be storing the same file right now: one row is enough.
      const row = { brand_id: brandId, digest, content_type: type, body: bytes.toString('base64'), created_at: now.toISOString() };
      await trx.insertInto('brand_assets').values(row).onConflict((conflict) => conflict.columns(['brand_id', 'digest']).doNothing()).execute();
      known.set(digest, type);
    }
    return digest;
  };
  const saved: Theme = { ...theme };
  if (theme.logo?.data) {
    const { data, ...kept } = theme.logo;
    saved.logo = { ...kept, asset: await store(data) };
  }
  if (theme.fonts?.files) {
    const files = [];
    for (const { data, ...kept } of theme.fonts.files) files.push(data ? { ...kept, asset: await store(data) } : kept);
    saved.fonts = { ...theme.fonts, files };
  }
  const used = [saved.logo?.asset, ...(saved.fonts?.files ?? []).map((file) => file.asset)].filter((digest) => digest !== undefined);
  let unused = trx.deleteFrom('brand_assets').where('brand_id', '=', brandId);
  if (used.length > 0) unused = unused.where('digest', 'not in', used);
  await unused.execute();
  return saved;
}

/**
 * Refuses a theme naming a saved logo or font this brand does not have (or a file of the other
 * kind); answers the brand's saved digests and their types.
 */
export async function checkThemeAssets(db: Kysely<Database>, brandId: string, theme: Theme): Promise<Map<string, string>> {
  const stored = await db.selectFrom('brand_assets').select(['digest', 'content_type']).where('brand_id', '=', brandId).execute();
  const known = new Map(stored.map((row) => [row.digest, row.content_type]));
  const isA = (digest: string, kind: RegExp) => kind.test(known.get(digest) ?? '');
  const problems = [];
  if (theme.logo?.asset && !isA(theme.logo.asset, /^image\//)) problems.push({ field: 'logo.asset', problem: 'no logo of this brand has this asset' });
  (theme.fonts?.files ?? []).forEach((file, index) => {
    if (file.asset && !isA(file.asset, /^font\//)) problems.push({ field: `fonts.files.${index}.asset`, problem: 'no font of this brand has this asset' });
  });
  if (problems.length > 0) throw new AppError('validation_failed', 'the theme names a file that was never saved', problems);
  return known;
}

export async function loadBrandAsset(db: Kysely<Database>, brandId: string, digest: string): Promise<{ bytes: Buffer; type: string } | undefined> {
  const row = await db.selectFrom('brand_assets').select(['content_type', 'body']).where('brand_id', '=', brandId).where('digest', '=', digest).executeTakeFirst();
  return row && { bytes: Buffer.from(row.body, 'base64'), type: row.content_type };
}
