// The watch job, run on a recurring schedule: for every parcel still on its way, asks the pure
// `watchShipment` whether it is late, stalled or due its evening digest, hands each trigger to the
// notification pipeline, and remembers what it acted on. Reads a page of slim rows at a time (no
// events: lane figures come from the histogram), and loads full rows only for parcels with news.
import { notificationSettingsOf } from '../../brands/settings.js';
import type { Deps } from '../../deps.js';
import type { BrandRow } from '../../db/schema.js';
import { deliveryTimeZone } from '../../estimates/index.js';
import { channelEnabled, DEFAULT_NOTIFICATION_SETTINGS, type EstimateWindow, type NotificationTrigger } from '../policy/decide.js';
import type { Destination } from '../policy/recipient-zone.js';
import { minuteOfDay } from '../policy/sms-window.js';
import { ensureSchedule } from '../../jobs/queue.js';
import { decideAndRecord } from '../pipeline.js';
import { laneKey, laneStallMinutes } from './lane-stats.js';
import { type WatchMemory, watchShipment } from './watch.js';

export const WATCH_JOB = 'notifications.watch';
/** Every 15 minutes: a stall is measured in hours and the digest hour is a lower bound. */
export const WATCH_SCHEDULE = { name: 'notifications-watch', kind: WATCH_JOB, everySeconds: 15 * 60 };

const PAGE = 500;
const EN_ROUTE = ['info_received', 'in_transit', 'out_for_delivery'];

/** Registers the schedule; a next run left far ahead by another clock (the demo's runs fast) or by holdWatch comes back to one interval from now (ensureSchedule). */
export async function ensureWatchSchedule(deps: Deps): Promise<void> {
  await ensureSchedule(deps.db, WATCH_SCHEDULE, deps.clock.now());
}

/** Holds the watch (the demo does, while its seeded orders replay days of history it would take for live news). */
export async function holdWatch(deps: Deps): Promise<void> {
  await deps.db.updateTable('job_schedules').set({ next_run_at: '9999-12-31T00:00:00.000Z' }).where('name', '=', WATCH_SCHEDULE.name).execute();
}

export type WatchReport = { checked: number; late: number; stalled: number; digests: number };

export async function runWatch(deps: Deps): Promise<WatchReport> {
  const report: WatchReport = { checked: 0, late: 0, stalled: 0, digests: 0 };
  const brands = await deps.db.selectFrom('brands').selectAll().execute();
  for (const brand of brands) await watchBrand(deps, brand, report);
  return report;
}

async function watchBrand(deps: Deps, brand: BrandRow, report: WatchReport): Promise<void> {
  const settings = notificationSettingsOf(brand, DEFAULT_NOTIFICATION_SETTINGS);
  const rules = {
    digestFrom: minuteOfDay(settings.digestTime),
    digestOn: channelEnabled(settings, 'in_transit_digest', 'email'),
  };
  let after = '';
  for (;;) {
    const rows = await enRoutePage(deps, brand.id, after);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const now = deps.clock.now();
    const destinations = new Map(rows.map((row) => [row.id, JSON.parse(row.destination) as Destination & { city: string; country: string }]));
    const lanes = new Map(rows.map((row) => [row.id, laneKey(row, destinations.get(row.id)!)]));
    const laneMinutes = await laneStallMinutes(deps, [...lanes.values()]);
    for (const row of rows) {
      report.checked += 1;
      const destination = destinations.get(row.id)!;
      const outcome = watchShipment(
        {
          shipmentId: row.id,
          status: row.status,
          lastEventAt: row.last_event_at,
          createdAt: row.created_at,
          window: windowOf(row.estimated_from, row.estimated_to) ?? windowOf(row.promised_from, row.promised_to),
          timeZone: deliveryTimeZone(destination),
          memory: { stalledSince: row.stalled_since, lateFor: row.late_for, digestDay: row.digest_day, digestThrough: row.digest_through },
        },
        { ...rules, stallAfterMinutes: laneMinutes.get(lanes.get(row.id)!) ?? settings.stallAfterHours * 60 },
        now,
      );
      for (const trigger of outcome.triggers) {
        await announce(deps, brand, row.id, trigger);
        if (trigger.kind === 'late_by_estimate') report.late += 1;
        else if (trigger.kind === 'stalled') report.stalled += 1;
        else report.digests += 1;
      }
      if (Object.keys(outcome.remember).length > 0) await rememberWatch(deps, brand.id, row.id, outcome.remember);
    }
  }
}

function enRoutePage(deps: Deps, brandId: string, after: string) {
  return deps.db
    .selectFrom('shipments as s')
    .innerJoin('orders as o', 'o.id', 's.order_id')
    .leftJoin('shipment_watch as w', 'w.shipment_id', 's.id')
    .select(['s.id', 's.carrier', 's.service', 's.status', 's.last_event_at', 's.created_at', 's.estimated_from', 's.estimated_to', 'o.destination'])
    .select(['o.estimated_from as promised_from', 'o.estimated_to as promised_to'])
    .select(['w.stalled_since', 'w.late_for', 'w.digest_day', 'w.digest_through'])
    .where('s.brand_id', '=', brandId)
    .where('s.status', 'in', EN_ROUTE)
    .where('s.direction', '=', 'outbound')
    // A parcel the carrier took out of delivered is on a detour the customer hears nothing of until it settles.
    .where('s.correction', '=', 0)
    .where('s.id', '>', after)
    .orderBy('s.id')
    .limit(PAGE)
    .execute();
}

const windowOf = (from: string | null, to: string | null): EstimateWindow | null => (from && to ? { from, to } : null);

async function announce(deps: Deps, brand: BrandRow, shipmentId: string, trigger: NotificationTrigger): Promise<void> {
  const shipment = await deps.db.selectFrom('shipments').selectAll().where('id', '=', shipmentId).executeTakeFirst();
  const order = shipment ? await deps.db.selectFrom('orders').selectAll().where('id', '=', shipment.order_id).executeTakeFirst() : undefined;
  if (!shipment || !order) return;
  await decideAndRecord(deps, { brand, order, shipment, trigger });
}

/** Upserts what the watch acted on; recorded after the messages, so a crash in between only repeats a deduplicated decision. */
export async function rememberWatch(deps: Deps, brandId: string, shipmentId: string, patch: Partial<WatchMemory>): Promise<void> {
  const columns = {
    ...(patch.stalledSince !== undefined ? { stalled_since: patch.stalledSince } : {}),
    ...(patch.lateFor !== undefined ? { late_for: patch.lateFor } : {}),
    ...(patch.digestDay !== undefined ? { digest_day: patch.digestDay } : {}),
    ...(patch.digestThrough !== undefined ? { digest_through: patch.digestThrough } : {}),
    updated_at: deps.clock.now().toISOString(),
  };
  await deps.db
    .insertInto('shipment_watch')
    .values({ shipment_id: shipmentId, brand_id: brandId, stalled_since: null, late_for: null, digest_day: null, digest_through: null, ...columns })
    .onConflict((oc) => oc.column('shipment_id').doUpdateSet(columns))
    .execute();
}
