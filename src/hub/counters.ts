// Page views and cross-sell impressions. Counting them must not cost the page a write, so each
// process adds them up in memory and writes the sums every few seconds (one upsert per brand,
// day, metric, product and source). A process that dies loses at most the last few seconds of
// these counts; clicks and attributed orders are written at once, in their own rows.
import { sql } from 'kysely';
import type { Deps } from '../deps.js';

export type Metric = 'page_view' | 'impression';
export type Source = 'page' | 'email';

const FLUSH_EVERY_MS = 5_000;
const FLUSH_AT_KEYS = 5_000;

type Pending = { counts: Map<string, number>; timer: NodeJS.Timeout | null; flushing: Promise<void> | null };
const pendingByDeps = new WeakMap<Deps, Pending>();

function pendingOf(deps: Deps): Pending {
  let p = pendingByDeps.get(deps);
  if (!p) {
    p = { counts: new Map(), timer: null, flushing: null };
    pendingByDeps.set(deps, p);
  }
  return p;
}

let today = { start: 0, end: 0, text: '' };
/** The UTC day of an instant as YYYY-MM-DD, worked out once a day (a page view counts up to five things). */
function dayOf(ms: number): string {
  if (ms < today.start || ms >= today.end) {
    const start = Math.floor(ms / 86_400_000) * 86_400_000;
    today = { start, end: start + 86_400_000, text: new Date(start).toISOString().slice(0, 10) };
  }
  return today.text;
}

export function count(deps: Deps, brandId: string, metric: Metric, options: { productId?: string; source?: Source; by?: number } = {}): void {
  const p = pendingOf(deps);
  const day = dayOf(deps.clock.now().getTime());
  // Brand ids, days, metrics and sources hold no '\n'; the product id goes last and is kept whole.
  const key = `${brandId}\n${day}\n${metric}\n${options.source ?? 'page'}\n${options.productId ?? ''}`;
  p.counts.set(key, (p.counts.get(key) ?? 0) + (options.by ?? 1));
  if (p.counts.size >= FLUSH_AT_KEYS) void flushCounters(deps).catch((error) => deps.log.warn({ err: error }, 'counters not written'));
  else if (!p.timer) {
    p.timer = setTimeout(() => {
      p.timer = null;
      flushCounters(deps).catch((error) => deps.log.warn({ err: error }, 'counters not written'));
    }, FLUSH_EVERY_MS);
    p.timer.unref();
  }
}

/** Writes what this process has counted so far (also before the stats are read). */
export async function flushCounters(deps: Deps): Promise<void> {
  const p = pendingOf(deps);
  if (p.flushing) await p.flushing;
  if (p.counts.size === 0) return;
  const counts = p.counts;
  p.counts = new Map();
  const rows = [...counts].map(([key, value]) => {
    const [brand_id, day, metric, source] = key.split('\n', 4) as [string, string, string, string];
    const product_id = key.slice(brand_id.length + day.length + metric.length + source.length + 4);
    return { brand_id, day, metric, product_id, source, value };
  });
  p.flushing = (async () => {
    try {
      await deps.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 200) {
          await trx
            .insertInto('hub_counters')
            .values(rows.slice(i, i + 200))
            .onConflict((oc) => oc.columns(['brand_id', 'day', 'metric', 'product_id', 'source']).doUpdateSet({ value: sql`hub_counters.value + excluded.value` }))
            .execute();
        }
      });
    } catch (error) {
      // Put them back: the next flush tries again.
      for (const [key, value] of counts) p.counts.set(key, (p.counts.get(key) ?? 0) + value);
      throw error;
    } finally {
      p.flushing = null;
    }
  })();
  await p.flushing;
}
