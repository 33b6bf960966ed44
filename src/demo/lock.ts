// One demo per database. A demo starts by wiping its database (the SQLite file, or its brand on
// PostgreSQL), so a second demo on the same DEMO_DATABASE_URL would wipe the running one's data
// under its feet. Before it removes anything, the demo claims its database: a lock file beside a
// SQLite file, or a session advisory lock on PostgreSQL; a second demo is refused with one line.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { sqliteFileOf } from '../config.js';
import { databaseFailureMessage, StartupError, whileStarting } from '../startup-errors.js';

/** The demo that holds a database: its process (and when it started, where the system says) and the address it prints. */
export type DemoOwner = { pid: number; started?: string; url?: string };

export type DemoLock = { release(): Promise<void> };

/** One line naming the owner, written in the lock file and as the PostgreSQL connection's application_name. */
export function ownerLine(owner: DemoOwner): string {
  return `waybill demo pid=${owner.pid}${owner.started ? ` started=${owner.started}` : ''}${owner.url ? ` url=${owner.url}` : ''}`;
}

/** The owner an ownerLine names, or null for anything else (an empty or foreign file). */
export function parseOwnerLine(text: string): DemoOwner | null {
  const match = /^waybill demo pid=(\d+)(?: started=(\d+))?(?: url=(\S+))?\s*$/.exec(text);
  const pid = Number(match?.[1]);
  // 0 and negative pids would name process groups to process.kill: never an owner.
  if (!match || !Number.isSafeInteger(pid) || pid < 1) return null;
  return { pid, ...(match[2] ? { started: match[2] } : {}), ...(match[3] ? { url: match[3] } : {}) };
}

export type LockDecision = { action: 'refuse'; owner: DemoOwner } | { action: 'take-over' };

/**
 * What to do about a lock file that is already there. Only a live process other than this one
 * stops the start: a pid that is gone (a demo killed with kill -9) or this very pid (a container
 * restarted after a kill, where pids repeat) is stale, and so is content that names no process.
 * So is a live pid that started at another time than the demo did: after a kill -9 and a reboot,
 * the pid went to another program.
 */
export function decideOnLockFile(contents: string, ownPid: number, isAlive: (pid: number) => boolean, startOf: (pid: number) => string | null): LockDecision {
  const owner = parseOwnerLine(contents);
  if (!owner || owner.pid === ownPid || !isAlive(owner.pid)) return { action: 'take-over' };
  const started = owner.started ? startOf(owner.pid) : null;
  if (started !== null && started !== owner.started) return { action: 'take-over' };
  return { action: 'refuse', owner };
}

/**
 * When a process started, in clock ticks after boot (field 22 of /proc/<pid>/stat), or null where
 * there is no /proc (macOS, Windows: there the pid alone decides).
 */
export function processStartOf(pid: number): string | null {
  try {
    const afterName = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!;
    return afterName.split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** The one line a refused demo prints (after `waybill: `). */
export function refusalMessage(owner: DemoOwner | null, database: string, kind: 'file' | 'database'): string {
  return `another Waybill demo${ownerWords(owner)} is using ${database}: stop it first or set DEMO_DATABASE_URL to another ${kind}`;
}

/** What a demo that lost its PostgreSQL lock to another says (after `waybill: `). */
export function lostLockMessage(owner: DemoOwner | null, database: string): string {
  return `another Waybill demo${ownerWords(owner)} took ${database} while this demo's connection to it was broken: stop one of them`;
}

const ownerWords = (owner: DemoOwner | null) => (owner ? ` (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ''})` : '');

/** Signal 0 tests a pid without touching it; EPERM means alive, but another user's. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims DEMO_DATABASE_URL for this process, or throws a StartupError naming the demo that holds it. */
export function claimDemoDatabase(
  databaseUrl: string,
  dialect: 'sqlite' | 'postgres',
  owner: DemoOwner,
  warn: (message: string) => void = (message) => process.stderr.write(`waybill: ${message}\n`),
): Promise<DemoLock> {
  if (dialect === 'postgres') return claimPostgres(databaseUrl, owner, warn);
  const file = sqliteFileOf(databaseUrl);
  // An in-memory database belongs to its process alone: nothing to share, nothing to claim.
  if (file === ':memory:') return Promise.resolve({ release: async () => {} });
  return whileStarting(() => claimLockFile(lockFileOf(databaseUrl), databaseUrl, owner), databaseFailureMessage);
}

/** The lock file beside a SQLite database. */
export const lockFileOf = (databaseUrl: string) => `${sqliteFileOf(databaseUrl)}.demo.lock`;

async function claimLockFile(file: string, database: string, owner: DemoOwner): Promise<DemoLock> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const mine = `${ownerLine({ ...owner, started: processStartOf(process.pid) ?? undefined })}\n`;
  // A few rounds: each takes over a stale file, and another start may take it in between.
  for (let round = 0; round < 5; round++) {
    if (createExclusive(file, mine)) {
      // A crash (an uncaught error) exits without the stop path: the file goes then too. Only kill -9 leaves it.
      const onExit = () => removeIfUnchanged(file, mine);
      process.on('exit', onExit);
      return {
        release: async () => {
          process.off('exit', onExit);
          removeIfUnchanged(file, mine);
        },
      };
    }
    const contents = await readSettled(file);
    if (contents === null) continue; // gone meanwhile: try again
    const decision = decideOnLockFile(contents, process.pid, isProcessAlive, processStartOf);
    if (decision.action === 'refuse') throw new StartupError(refusalMessage(decision.owner, database, 'file'));
    // Stale: removed only if it still holds what was judged, so a live claim made meanwhile stays.
    removeIfUnchanged(file, contents);
  }
  throw new StartupError(`could not claim ${database} for the demo: its lock file ${file} keeps changing; is another demo starting?`);
}

/** Creates the file with its content, or returns false if it exists: `wx` is atomic, one start wins. */
function createExclusive(file: string, contents: string): boolean {
  const fd = unlessCode('EEXIST', () => fs.openSync(file, 'wx'));
  if (fd === null) return false;
  try {
    fs.writeSync(fd, contents);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * The lock file's content, or null if it is gone. Another start may have created it an instant
 * ago and not yet written its line: an empty file is read again for up to a second before it counts.
 */
async function readSettled(file: string): Promise<string | null> {
  for (let i = 0; ; i++) {
    const contents = unlessCode('ENOENT', () => fs.readFileSync(file, 'utf8'));
    if (contents === null || contents !== '' || i >= 20) return contents;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What `work` returns, or null when it fails with the system error `code`; any other failure is thrown. */
function unlessCode<T>(code: string, work: () => T): T | null {
  try {
    return work();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === code) return null;
    throw error;
  }
}

function removeIfUnchanged(file: string, contents: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === contents) fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

// The demo's advisory lock key: "Wayb" and "ill\0" as two 32-bit halves. Advisory locks are per
// database, so it claims exactly the database the demo runs on.
const KEY = [0x57617962, 0x696c6c00] as const;

/** The database a postgres:// URL names, without its password (a URL may hold one). */
function postgresName(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `the PostgreSQL database ${decodeURIComponent(url.pathname.slice(1)) || '(default)'} on ${url.host}`;
}

/**
 * A session advisory lock, held on a connection of its own for the demo's lifetime. PostgreSQL
 * frees it when the connection ends, whether the demo stops or is killed: no stale lock. If that
 * connection breaks while the demo runs (PostgreSQL restarted, the backend terminated), the lock
 * went with it: the demo takes it again on a new connection, and says so if another demo got it first.
 */
async function claimPostgres(databaseUrl: string, owner: DemoOwner, warn: (message: string) => void): Promise<DemoLock> {
  let released = false;
  let client = await whileStarting(async () => {
    const claimed = await tryLock(databaseUrl, owner);
    if (claimed.granted) return claimed.client;
    throw new StartupError(refusalMessage(claimed.holder, postgresName(databaseUrl), 'database'));
  }, databaseFailureMessage);
  const reclaim = async () => {
    for (let attempt = 1; !released; attempt++) {
      try {
        const claimed = await tryLock(databaseUrl, owner);
        if (released) return void (claimed.granted && (await endQuietly(claimed.client)));
        if (claimed.granted) {
          hold(claimed.client);
          if (attempt > 1) warn(`the demo holds ${postgresName(databaseUrl)} again`);
          return;
        }
        return warn(lostLockMessage(claimed.holder, postgresName(databaseUrl)));
      } catch {
        if (attempt === 1) warn(`the connection that holds ${postgresName(databaseUrl)} for the demo broke; taking the database again`);
        await new Promise((resolve) => setTimeout(resolve, RECLAIM_EVERY_MS));
      }
    }
  };
  /** Keeps the lock's connection, and takes the lock again when that connection ends while the demo runs. */
  function hold(locked: pg.Client): void {
    client = locked;
    locked.once('end', () => void (released || reclaim()));
  }
  hold(client);
  return {
    release: async () => {
      released = true;
      await endQuietly(client);
    },
  };
}

const RECLAIM_EVERY_MS = 2_000;

const endQuietly = (client: pg.Client) => client.end().catch(() => {});

/** A new connection and the lock on it: granted (the connection holds it), or not (the connection closed), with the demo that holds it. */
async function tryLock(databaseUrl: string, owner: DemoOwner): Promise<{ granted: true; client: pg.Client } | { granted: false; holder: DemoOwner | null }> {
  const line = ownerLine(owner);
  // application_name holds 63 printable ASCII characters: a longer line goes without its address.
  const applicationName = line.length <= 63 && /^[ -~]+$/.test(line) ? line : ownerLine({ pid: owner.pid });
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000, application_name: applicationName });
  // A broken connection must not crash the demo: 'end' follows, and the lock is taken again.
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ granted: boolean }>(`SELECT pg_try_advisory_lock(${KEY[0]}, ${KEY[1]}) AS granted`);
    if (rows[0]?.granted) return { granted: true, client };
    const holder = await postgresOwner(client);
    await endQuietly(client);
    return { granted: false, holder };
  } catch (error) {
    await endQuietly(client);
    throw error;
  }
}

/** The demo holding the lock, as its connection names itself (null where the role may not see it). */
async function postgresOwner(client: pg.Client): Promise<DemoOwner | null> {
  const { rows } = await client.query<{ application_name: string | null }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${KEY[0]} AND l.objid = ${KEY[1]} AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return parseOwnerLine(rows[0]?.application_name ?? '');
}
