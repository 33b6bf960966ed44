// A brand's cross-sell settings, kept in its settings JSON under `crossSells`.
import { z } from '@hono/zod-openapi';
import type { BrandRow } from '../db/schema.js';

export const CrossSellSettingsSchema = z
  .object({
    enabled: z.boolean().default(true).openapi({ description: 'Show products on the tracking page and in shipped and delivered emails' }),
    fallback: z.array(z.string().trim().min(1).max(100)).max(50).default([]).openapi({ description: 'Product ids to show when bought-together data says nothing, best first' }),
    attributionWindowDays: z.number().int().min(1).max(365).default(30).openapi({ description: 'A later order containing a clicked product counts when placed within this many days of the click' }),
    perPage: z.number().int().min(1).max(8).default(4),
  })
  .openapi('CrossSellSettings');
export type CrossSellSettings = z.infer<typeof CrossSellSettingsSchema>;

const parsed = new Map<string, CrossSellSettings>();
/** The brand's cross-sell settings (defaults filled in), parsed once per settings version: pages ask on every view. */
export function crossSellSettingsOf(brand: Pick<BrandRow, 'settings'>): CrossSellSettings {
  let settings = parsed.get(brand.settings);
  if (!settings) {
    settings = CrossSellSettingsSchema.parse((JSON.parse(brand.settings) as { crossSells?: unknown }).crossSells ?? {});
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(brand.settings, settings);
  }
  return settings;
}
