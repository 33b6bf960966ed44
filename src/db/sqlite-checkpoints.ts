// WAL checkpoints on a worker thread. SQLite in WAL mode appends every commit to the -wal file and,
// by default, copies those pages back into the database (a checkpoint, ending with fsync) inside
// whichever commit crosses 1,000 pages: that commit blocks the event loop for the I/O and the
// fsync, some milliseconds every few hundred writes. A second connection on a worker thread runs
// PASSIVE checkpoints (which never block the writer) every CHECKPOINT_EVERY_MS instead; the main
// connection keeps a far higher automatic threshold only as a safety net should the worker stop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export const CHECKPOINT_EVERY_MS = 100;
/** The main connection's own threshold (pages, ~40 MB of WAL), reached only if the worker falls behind. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

// Plain CommonJS, run with `eval` so that it works from the compiled package and from the
// TypeScript sources under the test runner alike.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export type Checkpointer = { stop(): Promise<void> };

export function startCheckpointer(file: string, options: { everyMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS } });
  worker.unref(); // never keeps the process alive
  worker.on('message', (message: { error: string }) => options.onError?.(message.error));
  worker.on('error', (error) => options.onError?.(error.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: () => {
      worker.ref(); // the process waits for the worker to close its connection
      worker.postMessage('stop'); // ignored once the worker has exited
      return exited;
    },
  };
}
