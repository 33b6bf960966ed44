// The recurring jobs of carrier push and polling, registered at start-up (each process may call
// it; the schedule table keeps one row per name). The rows are shared by every process, so
// POLL_TICK_SECONDS is cluster-wide: the last process to start sets it, and 0 stops polling for all.
import type { Deps } from '../deps.js';
import { INBOUND_SWEEP_EVERY_SECONDS, INBOUND_SWEEP_JOB } from '../inbound/inbox.js';
import { ensureSchedule } from '../jobs/queue.js';
import { DISCOVERY_SCHEDULES, POLL_DISCOVER_JOB, POLL_TICK_JOB } from './jobs.js';

export async function ensureCarrierSchedules(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  await ensureSchedule(deps.db, { name: 'inbound-sweep', kind: INBOUND_SWEEP_JOB, everySeconds: INBOUND_SWEEP_EVERY_SECONDS }, now);
  if (deps.config.polling.tickSeconds > 0) {
    await ensureSchedule(deps.db, { name: 'carrier-poll', kind: POLL_TICK_JOB, everySeconds: deps.config.polling.tickSeconds }, now);
    for (const { name, everySeconds } of DISCOVERY_SCHEDULES) await ensureSchedule(deps.db, { name, kind: POLL_DISCOVER_JOB, everySeconds }, now);
  } else {
    await deps.db.deleteFrom('job_schedules').where('name', 'in', ['carrier-poll', ...DISCOVERY_SCHEDULES.map((s) => s.name)]).execute();
  }
}
