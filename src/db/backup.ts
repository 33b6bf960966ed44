// `waybill backup FILE`: a consistent copy of the SQLite database, taken while Waybill keeps serving.
// VACUUM INTO reads one snapshot in a single read transaction (in WAL mode writers go on meanwhile)
// and writes a compact copy of it. SQLite's page-by-page backup API was not used: it starts over
// whenever another connection writes, which a busy server does all the time. The copy is written
// under a temporary name and given its own at the end, so an interrupted backup never leaves a file
// that looks complete; it is readable by its owner only, as it holds every customer's contact details.
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { counted } from '../lib/words.js';
import { systemMessage } from '../startup-errors.js';

/** What the report counts (each table with its noun), so whoever keeps the backups sees at a glance that it holds their data. */
const COUNTED = { brands: 'brand', orders: 'order', shipments: 'shipment', tracking_events: 'tracking event', returns: 'return', messages: 'message' } as const;
export type CountedTable = keyof typeof COUNTED;
const COUNTED_TABLES = Object.keys(COUNTED) as CountedTable[];

export type BackupReport = {
  file: string;
  bytes: number;
  /** The newest migration the copy has: the oldest Waybill that can serve it is the one that brought it. */
  schema: string;
  counts: Record<CountedTable, number>;
  ms: number;
};

export class BackupError extends Error {}

/** Copies the SQLite database `sourceFile` to `destination` (which must not exist yet) and checks the copy. */
export function backupSqlite(sourceFile: string, destination: string, now: () => number = Date.now): BackupReport {
  const started = now();
  const target = path.resolve(destination);
  if (path.resolve(sourceFile) === target) throw new BackupError('FILE is the database itself: name another file');
  if (fs.existsSync(target)) throw new BackupError(`${destination} already exists: backups never overwrite a file; name a new one or remove it first`);
  if (!fs.existsSync(sourceFile)) throw new BackupError(`DATABASE_URL names no database file (${sourceFile}): nothing to back up`);
  const source = named(`cannot open DATABASE_URL (${sourceFile})`, () => new SqliteDatabase(sourceFile, { fileMustExist: true }));
  const partial = `${target}.partial-${process.pid}`;
  try {
    source.pragma('busy_timeout = 5000');
    const isWaybill = named(`cannot read DATABASE_URL (${sourceFile})`, () => hasTable(source, 'kysely_migration'));
    if (!isWaybill) throw new BackupError(`DATABASE_URL (${sourceFile}) is not a Waybill database (it has no migrations table)`);
    named(`cannot write ${destination}`, () => {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      source.prepare('VACUUM INTO ?').run(partial);
    });
  } catch (error) {
    removeLeftover(partial);
    throw error;
  } finally {
    source.close();
  }

  try {
    fs.chmodSync(partial, 0o600);
    const { schema, counts } = checkCopy(partial);
    placeWithoutOverwriting(partial, target, destination);
    return { file: destination, bytes: fs.statSync(target).size, schema, counts, ms: now() - started };
  } catch (error) {
    removeLeftover(partial);
    throw error;
  }
}

/** Opens the copy on its own, as a restore would, and reads it through: a copy that fails here is not kept. */
function checkCopy(file: string): { schema: string; counts: Record<CountedTable, number> } {
  const copy = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const verdict = copy.pragma('quick_check', { simple: true });
    if (verdict !== 'ok') throw new BackupError(`the copy failed SQLite's check (${String(verdict)}): nothing was kept`);
    const newest = copy.prepare('SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1').get() as { name: string } | undefined;
    const counts = Object.fromEntries(
      COUNTED_TABLES.map((table) => [table, hasTable(copy, table) ? (copy.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0]),
    ) as Record<CountedTable, number>;
    return { schema: newest?.name ?? 'none', counts };
  } finally {
    copy.close();
  }
}

/**
 * Gives the finished copy its name, unless something took that name meanwhile (another backup to
 * the same FILE): a hard link fails rather than replace, where a rename would silently overwrite.
 * A file system without hard links gets the rename.
 */
export function placeWithoutOverwriting(partial: string, target: string, destination: string): void {
  try {
    fs.linkSync(partial, target);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') throw new BackupError(`${destination} appeared while the copy was being made: nothing was overwritten; name a new file`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    fs.renameSync(partial, target);
    return;
  }
  fs.rmSync(partial);
}

/** Removes a partial copy; where none could be written there is nothing to remove (and no error to add). */
function removeLeftover(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // a folder that is not one, no rights: the copy was never made there
  }
}

/** Runs `work`; a failure becomes a BackupError saying what could not be done, with the system's own words. */
function named<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${what}: ${systemMessage(error)}`);
  }
}

function hasTable(db: SqliteDatabase.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/** The report's lines, for people. Pure. */
export function describeBackup(report: BackupReport): string {
  const contents = COUNTED_TABLES.map((table) => counted(report.counts[table], COUNTED[table])).join(', ');
  return [
    `backed up to ${report.file} (${megabytes(report.bytes)}, ${(report.ms / 1000).toFixed(1)} s), checked: ${contents}; schema ${report.schema}`,
    'keep SECRET_KEY with it: the tracking links and the stored carrier credentials need that same key',
  ].join('\n');
}

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
