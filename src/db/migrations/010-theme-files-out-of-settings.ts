// The files a brand uploaded for its tracking page before they had a table of their own (the logo,
// and WOFF2 fonts saved before 009) leave the settings JSON that every page view and message
// reads: their bytes go to brand_assets and the theme keeps their digest, exactly as saving a
// theme does now. One brand per transaction, and a brand already moved is left alone, so running
// it again (after a crash half-way) moves only what is left.
import type { Kysely } from 'kysely';
import { hasInlineFiles, saveThemeAssets } from '../../hub/brand-assets.js';
import type { Theme } from '../../hub/theme.js';
import type { Database } from '../schema.js';

export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Database>;
  // Only brands whose settings hold base64 at all; their settings are then read one at a time.
  const candidates = await db.selectFrom('brands').select('id').where('settings', 'like', '%;base64,%').execute();
  for (const { id } of candidates) {
    const move = async (trx: Kysely<Database>) => {
      const brand = await trx.selectFrom('brands').select('settings').where('id', '=', id).executeTakeFirstOrThrow();
      const settings = JSON.parse(brand.settings) as { theme?: Theme };
      if (!hasInlineFiles(settings.theme)) return;
      const theme = await saveThemeAssets(trx, id, settings.theme!, new Date());
      await trx.updateTable('brands').set({ settings: JSON.stringify({ ...settings, theme }) }).where('id', '=', id).execute();
    };
    // PostgreSQL runs every migration inside one transaction already; SQLite does not.
    await (db.isTransaction ? move(db) : db.transaction().execute(move));
  }
}
