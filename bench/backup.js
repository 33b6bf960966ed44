// Diagnostic, no target, SQLite only: how long `waybill backup FILE` takes for BENCH_SHIPMENTS
// stored shipments (1,000,000 by default, with their orders and events), against a plain copy of
// the same file in the same run (the ceiling: `cp` reads and writes every byte but takes no snapshot,
// checks nothing, and is not safe while Waybill writes). Each is run twice, the second counted, so
// both find the file in the page cache; the copies go to the same temporary folder.
//
//   npm run build && node bench/backup.js
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { settings } from './lib/config.js';
import { createBenchDatabase } from './lib/databases.js';
import { createBrand, runBenchmark, runCli } from './lib/processes.js';
import { int, pct, printHeader, publish } from './lib/report.js';
import { seed } from './lib/seed.js';

const megabytes = (bytes) => `${int(bytes / 1_000_000)} MB`;

/** Seconds `work` takes. */
function timed(work) {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
}

async function main() {
  await printHeader('SQLite: waybill backup against a plain copy of the file', [`${int(settings.shipments)} shipments`], { databases: false });
  const database = await createBenchDatabase('sqlite');
  const { brandId } = await createBrand(database.url);
  const seeded = await seed(database, { brandId, shipments: settings.shipments, events: { cycle: 5 } });
  const folder = path.dirname(database.url);
  const size = fs.statSync(database.url).size;
  console.log(`seeded ${int(seeded.orders)} orders, ${int(seeded.shipments)} shipments, ${int(seeded.events)} events in ${seeded.seconds.toFixed(1)} s: ${megabytes(size)}`);

  const copyOnce = (target) => {
    const copied = spawnSync('cp', [database.url, target]);
    if (copied.status !== 0) throw new Error(`cp failed: ${copied.stderr}`);
  };
  let report = '';
  const backupOnce = async (target) => {
    report = await runCli(['backup', target], { DATABASE_URL: database.url });
  };

  copyOnce(path.join(folder, 'warm.copy'));
  const copySeconds = timed(() => copyOnce(path.join(folder, 'plain.copy')));
  await backupOnce(path.join(folder, 'warm.backup'));
  const started = performance.now();
  await backupOnce(path.join(folder, 'counted.backup'));
  const backupSeconds = (performance.now() - started) / 1000;
  const backupSize = fs.statSync(path.join(folder, 'counted.backup')).size;

  console.log(`plain copy (ceiling)   ${copySeconds.toFixed(2)} s  ${megabytes(size)}`);
  console.log(`waybill backup         ${backupSeconds.toFixed(2)} s  ${megabytes(backupSize)} (snapshot, compacted, checked; the command's start-up included)`);
  console.log(`backup / plain copy    ${(backupSeconds / copySeconds).toFixed(1)}× the time (the copy takes ${pct(copySeconds / backupSeconds)} of the backup's)`);
  console.log(report.trim());
  publish('backup', { sqlite: { shipments: settings.shipments, bytes: size, backupBytes: backupSize, copySeconds, backupSeconds } });
  await database.drop();
}

runBenchmark(main);
