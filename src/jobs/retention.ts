// Finished jobs are deleted once they can matter no more, or the table would keep every job ever
// run (a status change, a message, a second's batch of webhook deliveries: millions a year). Every
// job's idempotency key names a one-off moment or record (an event, a message, a second), so a
// deleted key is never enqueued again. Dead letters are kept: they are the operator's to read and
// retry. An hourly job of its own, so the pruning runs whether or not carriers are polled.
import type { Deps } from '../deps.js';
import { INBOUND_PROCESS_JOB, INBOUND_SWEEP_JOB } from '../inbound/inbox.js';
import { POLL_ACCOUNT_JOB, POLL_DISCOVER_JOB, POLL_TICK_JOB } from '../polling/jobs.js';
import { ensureSchedule } from './queue.js';

export const JOBS_PRUNE_JOB = 'jobs.prune';
const PRUNE_SCHEDULE = { name: 'jobs-prune', kind: JOBS_PRUNE_JOB, everySeconds: 3_600 };

/** The small jobs polling and webhooks add by the thousand a day: kept one day once done. */
export const HOUSEKEEPING_KINDS: readonly string[] = [POLL_TICK_JOB, POLL_ACCOUNT_JOB, POLL_DISCOVER_JOB, INBOUND_PROCESS_JOB, INBOUND_SWEEP_JOB, JOBS_PRUNE_JOB];
export const HOUSEKEEPING_RETENTION_MS = 86_400_000;
/** Every other job, once done: kept 30 days, for looking into what happened to an order last month. */
export const FINISHED_JOB_RETENTION_MS = 30 * 86_400_000;

/** Deleted per statement, so no one statement holds SQLite's write lock for long. */
const CHUNK = 5_000;
/** Chunks per run: 100,000 jobs an hour at most; a backlog is worked off over several runs. */
const MAX_CHUNKS_PER_RUN = 20;

/** Deletes done jobs past their retention (by their last run time, which the ready index covers); answers how many. */
export async function pruneFinishedJobs(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const now = deps.clock.now().getTime();
  const rules = [
    { kinds: HOUSEKEEPING_KINDS, before: new Date(now - HOUSEKEEPING_RETENTION_MS).toISOString() },
    { kinds: null, before: new Date(now - FINISHED_JOB_RETENTION_MS).toISOString() },
  ];
  let deleted = 0;
  for (const { kinds, before } of rules) {
    for (let chunk = 0; chunk < MAX_CHUNKS_PER_RUN; chunk++) {
      let old = deps.db.selectFrom('jobs').select('id').where('state', '=', 'done').where('run_at', '<', before);
      if (kinds) old = old.where('kind', 'in', kinds);
      const result = await deps.db.deleteFrom('jobs').where('id', 'in', old.limit(CHUNK)).executeTakeFirst();
      const count = Number(result.numDeletedRows);
      deleted += count;
      if (count < CHUNK) break;
    }
  }
  return deleted;
}

export async function ensureJobRetentionSchedule(deps: Pick<Deps, 'db' | 'clock'>): Promise<void> {
  await ensureSchedule(deps.db, PRUNE_SCHEDULE, deps.clock.now());
}
