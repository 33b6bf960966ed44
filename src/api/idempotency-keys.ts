// How long an Idempotency-Key is kept: 24 hours, as Stripe keeps them. A retry within that time
// gets the kept answer; a key used again after it starts a new request, and an hourly job deletes
// the expired rows so the table holds about a day of POSTs, not every POST ever made.
import type { Deps } from '../deps.js';
import { ensureSchedule } from '../jobs/queue.js';

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;
export const IDEMPOTENCY_PRUNE_JOB = 'idempotency.prune';
const PRUNE_SCHEDULE = { name: 'idempotency-prune', kind: IDEMPOTENCY_PRUNE_JOB, everySeconds: 3_600 };

/** Whether a key claimed at `createdAt` has expired at `now`. */
export const isExpiredKey = (createdAt: string, now: Date): boolean => Date.parse(createdAt) <= now.getTime() - IDEMPOTENCY_KEY_TTL_MS;

/**
 * How long a claimed key with no answer yet counts as its request still running. Nothing stops a
 * request after a set time, so this is longer than any runs: the longest, buying a label, makes
 * up to three carrier calls (an OAuth token, a recovery, the purchase) of at most
 * CARRIER_TIMEOUT_MS (120 s at most) each. A claim older than this was cut off (a crash, a
 * redeploy, a killed process): the next retry takes it over instead of being refused for a day.
 */
export const IDEMPOTENCY_CLAIM_ABANDONED_MS = 10 * 60_000;

/** When a claim was made: `claimed_at`, or for a row written before it existed, `created_at`. */
export const claimTimeOf = (row: { claimed_at: string; created_at: string }): string => row.claimed_at || row.created_at;

/** Whether a claim made at `claimedAt` (wall clock) can no longer be a running request at `now`. */
export const isAbandonedClaim = (claimedAt: string, now: Date): boolean => Date.parse(claimedAt) <= now.getTime() - IDEMPOTENCY_CLAIM_ABANDONED_MS;

/** Deletes the keys claimed more than the TTL ago; answers how many. */
export async function pruneIdempotencyKeys(deps: Deps): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - IDEMPOTENCY_KEY_TTL_MS).toISOString();
  const result = await deps.db.deleteFrom('idempotency_keys').where('created_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function ensureIdempotencySchedule(deps: Deps): Promise<void> {
  await ensureSchedule(deps.db, PRUNE_SCHEDULE, deps.clock.now());
}
