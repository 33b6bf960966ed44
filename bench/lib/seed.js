// Fast seeding straight into the tables of src/db/migrations/001-core.ts (no HTTP, no ORM):
// orders (one per SHIPMENTS_PER_ORDER shipments), shipments, and a few tracking events each.
// SQLite: better-sqlite3 prepared inserts in large transactions. PostgreSQL: INSERT … SELECT
// over generate_series, one statement per table. Ids are deterministic so the load generator
// can compute any shipment's id and tracking number from its index.
import { spawnSync } from 'node:child_process';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

export const SHIPMENTS_PER_ORDER = 10;
export const CARRIER = 'ups';
const PAD = 17; // prefix + 17 digits = the 26 characters of a ULID, like real ids

const pad = (i) => String(i).padStart(PAD, '0');
export const orderId = (i) => `ord_01k0bench${pad(i)}`;
export const shipmentId = (i) => `shp_01k0bench${pad(i)}`;
const eventId = (i, j) => `evt_01k0bench${pad(i * 16 + j)}`;
export const trackingNumber = (i) => `1ZBENCH${String(i).padStart(11, '0')}`;

/**
 * How many events shipment i starts with: { fixed: n } gives every shipment n events;
 * { cycle: m } gives shipment i (i % m) events (0 … m-1, so some have none).
 * The first event is `info_received`, later ones `in_transit`, an hour apart.
 */
export const eventCount = (i, spec) => (spec.fixed !== undefined ? spec.fixed : i % spec.cycle);
const statusOfEvent = (j) => (j === 0 ? 'info_received' : 'in_transit');
const statusOfShipment = (count) => (count === 0 ? 'pending' : statusOfEvent(count - 1));

const DESTINATION = JSON.stringify({ line1: '1 Bench Street', city: 'Memphis', region: 'TN', postalCode: '38118', country: 'US' });
const ITEMS = JSON.stringify([{ sku: 'TEE-001', name: 'Bench tee', quantity: 1, price: 25 }]);
const LOCATION = JSON.stringify({ city: 'Memphis', region: 'TN', country: 'US' });

/** Fixed times: created a month ago, event j of every shipment j hours later. */
function timeline(now) {
  const start = now.getTime() - 30 * 86_400_000;
  return { createdAt: new Date(start).toISOString(), eventTimes: Array.from({ length: 16 }, (_, j) => new Date(start + (j + 1) * 3_600_000).toISOString()) };
}

const headMark = (i, j, times) => ({ eventId: eventId(i, j), dedupeKey: `k:seed-${i}-${j}`, occurredAt: times[j], status: statusOfEvent(j), reason: null });

/**
 * Seeds `shipments` shipments for one brand, then flushes everything to disk so the kernel's
 * write-back of a freshly written gigabyte does not compete with the measurements.
 * Returns { seconds, flushSeconds, orders, shipments, events }.
 */
export async function seed(database, { brandId, shipments, events }) {
  const started = performance.now();
  const counts = database.dialect === 'sqlite' ? seedSqlite(database.url, brandId, shipments, events) : await seedPostgres(database.url, brandId, shipments, events);
  const seeded = performance.now();
  if (database.dialect === 'postgres') await database.query('CHECKPOINT');
  spawnSync('sync');
  return { ...counts, seconds: (seeded - started) / 1000, flushSeconds: (performance.now() - seeded) / 1000 };
}

function seedSqlite(file, brandId, shipments, eventSpec) {
  const db = new Sqlite(file);
  // Bulk-load settings for this connection only; the server sets its own pragmas (WAL) again.
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = OFF'); // rows are consistent by construction; skips a lookup per row
  const { createdAt, eventTimes } = timeline(new Date());
  const insertOrder = db.prepare(
    `INSERT INTO orders (id, brand_id, number, customer_email, customer_name, destination, items, placed_at, content_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertShipment = db.prepare(
    `INSERT INTO shipments (id, brand_id, order_id, carrier, service, tracking_number, direction, status, reason, delayed, correction, fold_state,
       estimated_from, estimated_to, status_changed_at, last_event_at, event_count, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'ground', ?, 'outbound', ?, NULL, 0, 0, ?, NULL, NULL, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO tracking_events (id, shipment_id, brand_id, dedupe_key, source, status, reason, delayed, carrier_code, carrier_text, location, occurred_at, occurred_at_raw, recorded_at)
     VALUES (?, ?, ?, ?, 'carrier', ?, NULL, 0, ?, ?, ?, ?, ?, ?)`,
  );
  const orders = Math.ceil(shipments / SHIPMENTS_PER_ORDER);
  let eventsStored = 0;
  const insertRange = db.transaction((from, to) => {
    for (let o = Math.ceil(from / SHIPMENTS_PER_ORDER); o < Math.ceil(to / SHIPMENTS_PER_ORDER); o++) {
      insertOrder.run(orderId(o), brandId, `B${o}`, `customer${o}@example.com`, `Customer ${o}`, DESTINATION, ITEMS, createdAt, `seed${o}`, createdAt, createdAt);
    }
    for (let i = from; i < to; i++) {
      const count = eventCount(i, eventSpec);
      const fold = { head: count ? headMark(i, count - 1, eventTimes) : null, terminal: null, delay: null };
      const last = count ? eventTimes[count - 1] : null;
      insertShipment.run(shipmentId(i), brandId, orderId(Math.floor(i / SHIPMENTS_PER_ORDER)), CARRIER, trackingNumber(i), statusOfShipment(count), JSON.stringify(fold), last, last, count, createdAt, createdAt);
      for (let j = 0; j < count; j++) {
        insertEvent.run(eventId(i, j), shipmentId(i), brandId, `k:seed-${i}-${j}`, statusOfEvent(j), j === 0 ? 'MP' : 'IT', j === 0 ? 'Shipment information received' : 'Departed facility', LOCATION, eventTimes[j], eventTimes[j], eventTimes[j]);
      }
      eventsStored += count;
    }
  });
  for (let from = 0; from < shipments; from += 200_000) insertRange(from, Math.min(shipments, from + 200_000));
  db.pragma('journal_mode = WAL');
  db.close();
  return { orders, shipments, events: eventsStored };
}

async function seedPostgres(url, brandId, shipments, eventSpec) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    await client.query("SET maintenance_work_mem = '256MB'");
    // Rows are consistent by construction: skip the foreign-key triggers (one lookup per row).
    await client.query('SET session_replication_role = replica');
    const { createdAt, eventTimes } = timeline(new Date());
    const orders = Math.ceil(shipments / SHIPMENTS_PER_ORDER);
    const id = (prefix, expression) => `'${prefix}_01k0bench' || lpad((${expression})::text, ${PAD}, '0')`;
    const count = eventSpec.fixed !== undefined ? String(Number(eventSpec.fixed)) : `(i % ${Number(eventSpec.cycle)})`;
    const eventStatus = (j) => `(CASE WHEN ${j} = 0 THEN 'info_received' ELSE 'in_transit' END)`;

    await client.query(
      `INSERT INTO orders (id, brand_id, number, customer_email, customer_name, destination, items, placed_at, content_hash, created_at, updated_at)
       SELECT ${id('ord', 'o')}, $1, 'B' || o, 'customer' || o || '@example.com', 'Customer ' || o, $2, $3, $4, 'seed' || o, $4, $4
       FROM generate_series(0, $5::int - 1) AS o`,
      [brandId, DESTINATION, ITEMS, createdAt, orders],
    );
    // c = the shipment's event count; its head is event c-1.
    await client.query(
      `INSERT INTO shipments (id, brand_id, order_id, carrier, service, tracking_number, direction, status, reason, delayed, correction, fold_state,
         estimated_from, estimated_to, status_changed_at, last_event_at, event_count, created_at, updated_at)
       SELECT ${id('shp', 'i')}, $1, ${id('ord', `i / ${SHIPMENTS_PER_ORDER}`)}, $2, 'ground', '1ZBENCH' || lpad(i::text, 11, '0'), 'outbound',
         CASE WHEN c = 0 THEN 'pending' ELSE ${eventStatus('c - 1')} END, NULL, 0, 0,
         CASE WHEN c = 0 THEN '{"head":null,"terminal":null,"delay":null}'
           ELSE json_build_object('head', json_build_object('eventId', ${id('evt', 'i * 16 + c - 1')}, 'dedupeKey', 'k:seed-' || i || '-' || (c - 1),
             'occurredAt', ($4::text[])[c], 'status', ${eventStatus('c - 1')}, 'reason', NULL), 'terminal', NULL, 'delay', NULL)::text END,
         NULL, NULL, ($4::text[])[c], ($4::text[])[c], c, $3, $3
       FROM (SELECT i, ${count} AS c FROM generate_series(0, $5::int - 1) AS i) AS s`,
      [brandId, CARRIER, createdAt, eventTimes, shipments],
    );
    const inserted = await client.query(
      `INSERT INTO tracking_events (id, shipment_id, brand_id, dedupe_key, source, status, reason, delayed, carrier_code, carrier_text, location, occurred_at, occurred_at_raw, recorded_at)
       SELECT ${id('evt', 'i * 16 + j')}, ${id('shp', 'i')}, $1, 'k:seed-' || i || '-' || j, 'carrier', ${eventStatus('j')}, NULL, 0,
         CASE WHEN j = 0 THEN 'MP' ELSE 'IT' END, CASE WHEN j = 0 THEN 'Shipment information received' ELSE 'Departed facility' END, $2,
         ($3::text[])[j + 1], ($3::text[])[j + 1], ($3::text[])[j + 1]
       FROM generate_series(0, $4::int - 1) AS i CROSS JOIN LATERAL generate_series(0, ${count} - 1) AS j`,
      [brandId, LOCATION, eventTimes, shipments],
    );
    // What autovacuum would do on a settled database: planner statistics and hint bits.
    await client.query('VACUUM ANALYZE orders, shipments, tracking_events');
    return { orders, shipments, events: inserted.rowCount };
  } finally {
    await client.end();
  }
}
