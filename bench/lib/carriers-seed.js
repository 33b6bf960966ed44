// The simulation's starting point, written straight into the tables (like seed.js): orders,
// shipments with the history each parcel had before the start, the scheduler's poll rows and the
// UPS Track Alert subscriptions. The history is what Waybill itself reads from each carrier's
// answer (the emulator's renderer and Waybill's parser, no HTTP), keyed and folded by Waybill's own
// normalizeEvent and foldEvents, so later polls of the same scans are recognised as known.
// SQLite: prepared statements in one transaction; PostgreSQL: multi-row inserts.
import Sqlite from 'better-sqlite3';
import { toShipment } from '../../dist/carriers/dhl/emulator.js';
import { parseDhlTracking } from '../../dist/carriers/dhl/parse.js';
import { renderCompleteResult } from '../../dist/carriers/fedex/emulator.js';
import { parseFedexTrackResponse } from '../../dist/carriers/fedex/parse.js';
import { renderTrackResponse } from '../../dist/carriers/ups/emulator.js';
import { parseUpsTrackResponse } from '../../dist/carriers/ups/parse.js';
import { toTrackingDetails } from '../../dist/carriers/usps/emulator.js';
import { parseUspsTracking } from '../../dist/carriers/usps/parse.js';
import { planOf } from '../../dist/polling/poll-results.js';
import { normalizeEvent } from '../../dist/shipments/events.js';
import { EMPTY_FOLD, foldEvents, viewOf } from '../../dist/shipments/status.js';
import { carrierShipment } from './journeys.js';

const pad = (i) => String(i).padStart(17, '0');

/** Seeds every parcel; returns the shipment ids in journey order and how many histories Waybill read differently than meant. */
export async function seedCarrierDay({ database, deps, brandId, journeys, emulators, startMs }) {
  const at = new Date(startMs).toISOString();
  const rnd = ((seed) => () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646)(42);
  const tables = { orders: [], shipments: [], tracking_events: [], shipment_polls: [], push_subscriptions: [] };
  let mismatches = 0;
  const destination = JSON.stringify({ line1: '1 Main St', city: 'Atlanta', region: 'GA', postalCode: '30301', country: 'US' });
  const items = JSON.stringify([{ sku: 'SKU-1', name: 'Thing', quantity: 1 }]);

  journeys.forEach((journey, i) => {
    const orderId = `ord_01k0sim${pad(Math.floor(i / 10))}`;
    if (i % 10 === 0) {
      tables.orders.push({ id: orderId, brand_id: brandId, number: `SIM-${i / 10}`, customer_email: `c${i}@example.com`, customer_locale: 'en', destination, items, placed_at: at, content_hash: `sim${i}`, created_at: at, updated_at: at });
    }
    const shipment = carrierShipment(journey, startMs);
    emulators[journey.carrier].addShipment(journey.trackingNumber, shipment);
    const parsed = readAsWaybillDoes(journey, shipment);
    if (parsed.events.map((e) => e.status).join() !== journey.scans.filter((s) => s.at <= startMs).map((s) => s.status).join()) mismatches++;

    const id = `shp_01k0sim${pad(i)}`;
    const events = parsed.events.map((input, k) => ({ id: `evt_01k0sim${pad(i * 32 + k)}`, ...normalizeEvent(input) }));
    const fold = foldEvents(EMPTY_FOLD, events.map((e) => ({ id: e.id, dedupeKey: e.dedupeKey, status: e.status, reason: e.reason, delayed: e.delayed, occurredAt: e.occurredAt })));
    const view = viewOf(fold);
    const lastEventAt = events.reduce((max, e) => (e.occurredAt && (!max || e.occurredAt > max) ? e.occurredAt : max), null);
    const created = new Date(journey.scans[0].at).toISOString();
    const row = {
      id,
      brand_id: brandId,
      order_id: orderId,
      carrier: journey.carrier,
      tracking_number: journey.trackingNumber,
      direction: 'outbound',
      status: view.status,
      reason: view.reason,
      delayed: view.delayed ? 1 : 0,
      correction: view.correction ? 1 : 0,
      fold_state: JSON.stringify(fold),
      estimated_from: parsed.estimatedDelivery?.from ?? null,
      estimated_to: parsed.estimatedDelivery?.to ?? null,
      status_changed_at: lastEventAt,
      last_event_at: lastEventAt,
      event_count: events.length,
      created_at: created,
      updated_at: at,
    };
    tables.shipments.push(row);
    for (const e of events) {
      tables.tracking_events.push({ id: e.id, shipment_id: id, brand_id: brandId, dedupe_key: e.dedupeKey, source: 'carrier_poll', status: e.status, reason: e.reason, delayed: e.delayed ? 1 : 0, carrier_code: e.carrierCode, carrier_text: e.carrierText, location: e.location, occurred_at: e.occurredAt, occurred_at_raw: e.occurredAtRaw, recorded_at: created });
    }
    // The scheduler has been running: each parcel's next poll falls somewhere within its interval.
    const plan = planOf(row, { pushLive: journey.carrier === 'ups', notFoundStreak: 0 }, deps.config.polling, new Date(startMs));
    const interval = plan.kind === 'poll' ? plan.intervalSeconds : 86_400;
    tables.shipment_polls.push({ shipment_id: id, brand_id: brandId, carrier: journey.carrier, next_poll_at: plan.kind === 'poll' ? new Date(startMs + rnd() * interval * 1000).toISOString() : null, priority: plan.kind === 'poll' ? plan.priority : 4, interval_seconds: interval, polls: 0, not_found: 0, created_at: at });
    // UPS parcels were subscribed to Track Alert at some point in the last 14 days.
    if (journey.carrier === 'ups') {
      const subscribedAt = startMs - rnd() * 13.9 * 86_400_000;
      emulators.ups.subscriptions.set(journey.trackingNumber, subscribedAt + 14 * 86_400_000);
      tables.push_subscriptions.push({ shipment_id: id, brand_id: brandId, provider: 'ups_track_alert', state: 'active', subscribed_at: new Date(subscribedAt).toISOString(), expires_at: new Date(subscribedAt + 14 * 86_400_000).toISOString(), updated_at: at });
    }
  });

  if (database.dialect === 'sqlite') writeSqlite(database.url, tables);
  else await writeWithKysely(deps, tables);
  return { shipmentIds: tables.shipments.map((s) => s.id), mismatches };
}

/** What Waybill reads from the carrier's answer for this parcel: the same parser a poll uses. */
function readAsWaybillDoes(journey, shipment) {
  const n = journey.trackingNumber;
  const answer =
    journey.carrier === 'ups'
      ? parseUpsTrackResponse(renderTrackResponse(n, shipment), n)
      : journey.carrier === 'fedex'
        ? parseFedexTrackResponse({ output: { completeTrackResults: [renderCompleteResult(n, shipment)] } }, [n])
        : journey.carrier === 'usps'
          ? parseUspsTracking(n, toTrackingDetails(n, shipment))
          : parseDhlTracking(n, { shipments: [toShipment(n, shipment, 'offset')] });
  if (!answer.ok || !answer.value[0]?.found) throw new Error(`${journey.carrier} ${n}: ${answer.ok ? answer.value[0]?.message : answer.error.message}`);
  return answer.value[0];
}

function writeSqlite(file, tables) {
  const db = new Sqlite(file);
  db.pragma('foreign_keys = OFF'); // rows are consistent by construction
  db.transaction(() => {
    for (const [table, rows] of Object.entries(tables)) {
      if (rows.length === 0) continue;
      const columns = Object.keys(rows[0]);
      const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
      for (const row of rows) insert.run(row);
    }
  })();
  db.close();
}

async function writeWithKysely(deps, tables) {
  for (const [table, rows] of Object.entries(tables)) {
    for (let i = 0; i < rows.length; i += 500) await deps.db.insertInto(table).values(rows.slice(i, i + 500)).execute();
  }
}
