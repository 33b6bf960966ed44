// How long a normal parcel goes without a scan, per lane (carrier × service × destination region).
// Each delivered outbound shipment adds one sample, once: its longest silence between scans while
// the carrier had it. Samples are counted into 30-minute buckets, so the 90th percentile of a lane
// is a read of at most a few hundred small rows, however many parcels the lane has carried.
//
// Why the longest gap per parcel rather than every gap: a parcel has many gaps, and alerting at the
// 90th percentile of single gaps would flag most normal parcels at some point of their journey. At
// the 90th percentile of each parcel's longest silence, nine normal parcels in ten never trip it.
import type { Deps } from '../../deps.js';
import { regionKeyOf, countryCode, type Destination } from '../policy/recipient-zone.js';

export const BUCKET_MINUTES = 30;
export const MAX_BUCKET_MINUTES = 30 * 24 * 60;
/** Fewer delivered parcels than this and the lane's figure is noise: the configured default stands. */
export const MIN_LANE_SAMPLES = 30;
export const LANE_PERCENTILE = 0.9;

/** Statuses of a parcel the carrier does not have yet: the wait before pickup is no silence in transit. */
const BEFORE_PICKUP = new Set(['pending', 'info_received']);

export function laneKey(shipment: { carrier: string; service: string | null }, destination: Destination | null): string {
  const region = regionKeyOf(destination) ?? countryCode(destination?.country) ?? 'unknown';
  return `${shipment.carrier.toLowerCase()}|${(shipment.service ?? 'default').toLowerCase()}|${region}`;
}

/** The longest silence, in whole minutes, between consecutive scans from pickup on; null with fewer than two. */
export function longestGapMinutes(events: readonly { status: string; occurredAt: string | null }[]): number | null {
  const times = events
    .filter((event) => event.occurredAt && !BEFORE_PICKUP.has(event.status))
    .map((event) => Date.parse(event.occurredAt!))
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  if (times.length < 2) return null;
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
  return Math.round(longest / 60_000);
}

/** The bucket a gap falls in, named by its upper edge (a gap of 0–30 minutes is bucket 30). */
export function bucketOf(minutes: number): number {
  const bucket = Math.max(1, Math.ceil(minutes / BUCKET_MINUTES)) * BUCKET_MINUTES;
  return Math.min(bucket, MAX_BUCKET_MINUTES);
}

/** The percentile's bucket edge (a slight over-estimate, never an under-estimate), or null below the minimum of samples. */
export function percentileFromHistogram(rows: readonly { bucketMinutes: number; shipments: number }[], percentile = LANE_PERCENTILE, minSamples = MIN_LANE_SAMPLES): number | null {
  const total = rows.reduce((sum, row) => sum + row.shipments, 0);
  if (total < minSamples || total === 0) return null;
  const rank = Math.ceil(percentile * total);
  let seen = 0;
  for (const row of [...rows].sort((a, b) => a.bucketMinutes - b.bucketMinutes)) {
    seen += row.shipments;
    if (seen >= rank) return row.bucketMinutes;
  }
  return null;
}

/** Adds a delivered shipment's sample to its lane, once however often it is called. */
export async function recordLaneSample(deps: Deps, shipmentId: string): Promise<void> {
  const shipment = await deps.db.selectFrom('shipments').select(['id', 'order_id', 'carrier', 'service', 'direction', 'status']).where('id', '=', shipmentId).executeTakeFirst();
  if (!shipment || shipment.direction !== 'outbound' || shipment.status !== 'delivered') return;
  const order = await deps.db.selectFrom('orders').select('destination').where('id', '=', shipment.order_id).executeTakeFirst();
  const events = await deps.db.selectFrom('tracking_events').select(['status', 'occurred_at']).where('shipment_id', '=', shipmentId).execute();
  const gap = longestGapMinutes(events.map((event) => ({ status: event.status, occurredAt: event.occurred_at })));
  if (gap === null) return;
  const lane = laneKey(shipment, order ? (JSON.parse(order.destination) as Destination) : null);
  await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('lane_samples')
      .values({ shipment_id: shipmentId, lane, longest_gap_minutes: gap, finished_at: deps.clock.now().toISOString() })
      .onConflict((oc) => oc.column('shipment_id').doNothing())
      .returning('shipment_id')
      .executeTakeFirst();
    if (!inserted) return;
    await trx
      .insertInto('lane_gap_histogram')
      .values({ lane, bucket_minutes: bucketOf(gap), shipments: 1 })
      .onConflict((oc) => oc.columns(['lane', 'bucket_minutes']).doUpdateSet((eb) => ({ shipments: eb(eb.ref('lane_gap_histogram.shipments'), '+', 1) })))
      .execute();
  });
}

/** The stall threshold in minutes of each lane with enough history (lanes without are left out). */
export async function laneStallMinutes(deps: Deps, lanes: readonly string[]): Promise<Map<string, number>> {
  const thresholds = new Map<string, number>();
  const unique = [...new Set(lanes)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await deps.db.selectFrom('lane_gap_histogram').selectAll().where('lane', 'in', unique.slice(i, i + 500)).execute();
    const byLane = new Map<string, { bucketMinutes: number; shipments: number }[]>();
    for (const row of rows) {
      const list = byLane.get(row.lane) ?? [];
      list.push({ bucketMinutes: Number(row.bucket_minutes), shipments: Number(row.shipments) });
      byLane.set(row.lane, list);
    }
    for (const [lane, histogram] of byLane) {
      const minutes = percentileFromHistogram(histogram);
      if (minutes !== null) thresholds.set(lane, minutes);
    }
  }
  return thresholds;
}
