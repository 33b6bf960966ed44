// Diagnostic, no target: would another layout of tracking_events make SQLite cheaper? Plain
// better-sqlite3 on scratch files (no Waybill code), one table per layout, each seeded with
// BENCH_INGEST_SHIPMENTS shipments' two events, then, alternating between the layouts, the CPU
// time of: 1,000 inserts in one transaction for consecutive shipments (the batch benchmark's
// pattern) and for scattered ones; 1,000 single-insert transactions (the single-event pattern);
// and one shipment's timeline read (SELECT … WHERE shipment_id = ? ORDER BY …).
//   rowid           the present table: rowid, UNIQUE id, UNIQUE (shipment_id, dedupe_key)
//   clustered       WITHOUT ROWID, PRIMARY KEY (shipment_id, dedupe_key), UNIQUE id
//   clustered no id the same without the index on id
//   rowid no id     the present table without the index on id
//
//   node bench/events-layout.js
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const SHIPMENTS = Number(process.env.BENCH_INGEST_SHIPMENTS ?? 100_000);
const ROUNDS = 12;
const COLUMNS = `id text NOT NULL, shipment_id text NOT NULL, brand_id text NOT NULL, dedupe_key text NOT NULL, source text NOT NULL, status text NOT NULL,
  reason text, delayed integer NOT NULL DEFAULT 0, carrier_code text, carrier_text text, location text, occurred_at text, occurred_at_raw text, recorded_at text NOT NULL`;
const LAYOUTS = {
  rowid: ['CREATE TABLE e (' + COLUMNS + ', PRIMARY KEY (id), UNIQUE (shipment_id, dedupe_key))'],
  clustered: ['CREATE TABLE e (' + COLUMNS + ', PRIMARY KEY (shipment_id, dedupe_key)) WITHOUT ROWID', 'CREATE UNIQUE INDEX e_id ON e (id)'],
  'clustered no id': ['CREATE TABLE e (' + COLUMNS + ', PRIMARY KEY (shipment_id, dedupe_key)) WITHOUT ROWID'],
  'rowid no id': ['CREATE TABLE e (' + COLUMNS + ', UNIQUE (shipment_id, dedupe_key))'],
};

const shipmentIdOf = (i) => `shp_01k0bench${String(i).padStart(16, '0')}`;
let sequence = 0;
/** A ULID-like id: time first, so consecutive ids sort together, as Waybill's do. */
const eventId = () => `evt_${Date.now().toString(36).padStart(10, '0')}${(sequence++).toString(36).padStart(16, '0')}`;
const row = (shipment, key) => {
  const now = new Date().toISOString();
  return [eventId(), shipmentIdOf(shipment), 'brd_1', `k:${key}`, 'api', 'in_transit', null, 0, 'IT', 'Arrived at facility', '{"city":"Memphis","region":"TN","country":"US"}', now, now, now];
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-layout-'));
try {
  const layouts = Object.entries(LAYOUTS).map(([name, ddl], n) => {
    const db = new Database(path.join(dir, `${n}.db`));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    for (const statement of ddl) db.exec(statement);
    const insert = db.prepare(`INSERT INTO e VALUES (${Array(14).fill('?').join(', ')}) ON CONFLICT (shipment_id, dedupe_key) DO NOTHING`);
    db.transaction(() => {
      for (let s = 0; s < SHIPMENTS; s++) for (const k of [0, 1]) insert.run(row(s, `seed-${s}-${k}`));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const timeline = db.prepare('SELECT * FROM e WHERE shipment_id = ? ORDER BY occurred_at IS NULL, occurred_at, id');
    const one = db.transaction((values) => insert.run(values));
    const many = db.transaction((rows) => {
      for (const values of rows) insert.run(values);
    });
    return { name, db, tests: { consecutive: { cpu: 0 }, scattered: { cpu: 0 }, single: { cpu: 0 }, read: { cpu: 0 } }, one, many, timeline };
  });
  const cpuOf = (work) => {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  let key = 0;
  const batchFor = (stride) => {
    const base = Math.floor(Math.random() * SHIPMENTS);
    return Array.from({ length: 1000 }, (_, i) => row((base + i * stride) % SHIPMENTS, `r${key++}`));
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const layout of layouts) {
      const counted = round >= 2; // two warm-up rounds
      const consecutive = cpuOf(() => layout.many(batchFor(1)));
      const scattered = cpuOf(() => layout.many(batchFor(97)));
      const rows = batchFor(1);
      const single = cpuOf(() => rows.forEach((values) => layout.one.immediate(values)));
      const read = cpuOf(() => {
        for (let i = 0; i < 2000; i++) layout.timeline.all(shipmentIdOf(Math.floor(Math.random() * SHIPMENTS)));
      });
      if (!counted) continue;
      layout.tests.consecutive.cpu += consecutive;
      layout.tests.scattered.cpu += scattered;
      layout.tests.single.cpu += single;
      layout.tests.read.cpu += read / 2; // per 1,000 reads
    }
  }
  const counted = ROUNDS - 2;
  console.log(`tracking_events layouts, ${SHIPMENTS} shipments with 2 events each, CPU ms per 1,000 operations (mean of ${counted} rounds)`);
  console.log(`${'layout'.padEnd(16)} ${'batch, consecutive'.padStart(19)} ${'batch, scattered'.padStart(17)} ${'single-insert tx'.padStart(17)} ${'timeline reads'.padStart(15)}`);
  for (const layout of layouts) {
    const t = layout.tests;
    const f = (test) => (test.cpu / counted).toFixed(1);
    console.log(`${layout.name.padEnd(16)} ${f(t.consecutive).padStart(19)} ${f(t.scattered).padStart(17)} ${f(t.single).padStart(17)} ${f(t.read).padStart(15)}`);
    layout.db.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
