// One brand's account at one carrier, while Waybill talks to it: a lease (one runner per account,
// however many workers), the limiter state loaded from the account's row and saved back, and the
// pauses that Retry-After, back-off and refusals impose. Every request to the carrier — a poll, a
// Track Alert subscription — asks `gate.take(priority)` first and goes only when it is admitted
// ("track now" asks `takeTrackNow`, which also waits for the carrier's pause);
// the admission is counted on the account's row before the request goes, so a process that dies
// mid-run has counted what it sent. A pause is written on the row the moment it is decided, for the
// same reason: a process that dies right after a 429 must not call the carrier again.
import { withoutControlCharacters } from '../lib/control-characters.js';
import { lockedForUpdate } from '../db/locks.js';
import type { CarrierError } from '../carriers/types.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/connect.js';
import type { CarrierPollAccountRow } from '../db/schema.js';
import { admit, type Admission, headroom, nextUtcMidnight, type CarrierLimits, CarrierLimitsInputSchema, effectiveLimits, type LimiterState, type LimitsSource, rolledOver, takeRequest } from './limits.js';

const LEASE_MS = 5 * 60_000;

export type AccountGate = {
  limits: CarrierLimits;
  limitsSource: LimitsSource;
  /** Admits one request now and counts it on the account's row before it goes, or says why not and until when. */
  take(priority: number): Promise<Admission>;
  /** How many requests of this priority could go right now. */
  headroom(priority: number): number;
  /** Whether a request could go now, without counting one. */
  peek(priority: number): Admission;
  /** The carrier answered: the failure streak and any pause end (written only when the row held one). */
  succeeded(): Promise<void>;
  /** The carrier refused or failed: pause the account as the error asks (Retry-After) or by back-off, saved at once. */
  failed(error: CarrierError): Promise<void>;
  /** Until when the carrier's refusals or failures in this run paused the account (null: not paused). */
  readonly pausedUntil: Date | null;
  readonly state: LimiterState;
};

/** Back-off after failures in a row: 30 s, 1 min, 2 min … at most 30 min, ±20% so accounts do not march in step. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(30 * 60_000, 30_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * How long an error pauses the account, and why (the text the brand sees). A 429 that names the
 * daily quota and gives no Retry-After waits for the quota to reset at 00:00 UTC.
 */
export function pauseFor(error: CarrierError, failures: number, carrierName: string, nowMs: number): { ms: number; reason: string } {
  const said = withoutControlCharacters(error.carrierMessage ? `${error.message} (${error.carrierMessage})` : error.message);
  switch (error.code) {
    case 'rate_limited': {
      if (error.retryAfterSeconds) return { ms: error.retryAfterSeconds * 1000, reason: `${carrierName} throttled the account: ${said}` };
      if (/quota/i.test(said)) return { ms: nextUtcMidnight(nowMs) - nowMs, reason: `${carrierName} says the account’s daily quota is spent: ${said}; polling resumes at 00:00 UTC` };
      return { ms: backoffMs(failures), reason: `${carrierName} throttled the account: ${said}` };
    }
    case 'unavailable':
    case 'timeout':
      return { ms: Math.max((error.retryAfterSeconds ?? 0) * 1000, backoffMs(failures)), reason: `${carrierName} is failing: ${said}` };
    case 'auth_failed':
      return { ms: 3_600_000, reason: `${carrierName} refused the account’s credentials: ${said}; reconnect it (PUT /v1/carriers/{carrier}/connection)` };
    default:
      return { ms: backoffMs(failures), reason: `${carrierName}: ${said}` };
  }
}

/** The failure streak and pause an account's row holds. */
export type PauseState = { failures: number; pausedUntil: string | null; reason: string | null };

const pauseStateOf = (row: Pick<CarrierPollAccountRow, 'failures' | 'paused_until' | 'pause_reason'>): PauseState => ({ failures: row.failures, pausedUntil: row.paused_until, reason: row.pause_reason });

/** The carrier answered: no streak, no pause. */
export const ANSWERED: PauseState = { failures: 0, pausedUntil: null, reason: null };

/** One more failure in a row, and the pause it imposes. */
export function afterFailure(state: PauseState, error: CarrierError, carrierName: string, nowMs: number): PauseState {
  const failures = state.failures + 1;
  const pause = pauseFor(error, failures, carrierName, nowMs);
  return { failures, pausedUntil: new Date(nowMs + pause.ms).toISOString(), reason: pause.reason };
}

export const samePause = (a: PauseState, b: PauseState): boolean => a.failures === b.failures && a.pausedUntil === b.pausedUntil && a.reason === b.reason;

/** Whether a carrier's error binds the whole account (a pause), rather than the request that met it. */
export const stopsTheAccount = (error: CarrierError): boolean => error.retryable || error.code === 'auth_failed';

/** A request outside a run refused because the carrier paused the account (429, outage, refused credentials). */
export type CarrierPause = { ok: false; reason: 'paused'; untilMs: number; pauseReason: string | null };

/** The carrier's pause on the account's row still in force at `nowMs`, if any. */
export function pauseInForce(row: Pick<CarrierPollAccountRow, 'paused_until' | 'pause_reason'>, nowMs: number): CarrierPause | null {
  const untilMs = row.paused_until ? Date.parse(row.paused_until) : Number.NaN;
  return untilMs > nowMs ? { ok: false, reason: 'paused', untilMs, pauseReason: row.pause_reason } : null;
}

/** The row of an account Waybill has not talked to yet. */
export const newAccountRow = (brandId: string, carrier: string, at: string) => ({
  brand_id: brandId,
  carrier,
  limits: null,
  lease_until: null,
  paused_until: null,
  pause_reason: null,
  failures: 0,
  quota_day: null,
  used_today: 0,
  recent_requests: '[]',
  report_at: null,
  warned_at: null,
  push_checked_at: null,
  updated_at: at,
});

export type AccountRun<T> = { outcome: 'ran'; value: T } | { outcome: 'busy' } | { outcome: 'paused'; until: string; reason: string | null };

/**
 * Runs `work` holding the account's lease (another runner holding it: 'busy'; a pause in force:
 * 'paused'). Requests are counted on the row as they are admitted (`take`), and a change of the
 * failure streak or pause is saved the moment it is decided (`failed`, `succeeded`): a process
 * killed right after a 429 has paused the account, and other workers see the pause at once. The
 * lease is given back when `work` ends, even when it throws.
 */
export async function withAccount<T>(deps: Deps, brandId: string, carrier: string, carrierName: string, work: (gate: AccountGate) => Promise<T>): Promise<AccountRun<T>> {
  const now = deps.clock.now();
  await ensureAccountRow(deps, brandId, carrier);
  // The lease guards against a runner that stalls or dies, which happens in real time: it is
  // counted on the wall clock (the demo's clock runs thousands of times faster, and five of its
  // minutes let the next run in while this one still ran). One ending more than two leases ahead
  // was written by a clock that ran ahead (the demo's, a clock jump), and is stale.
  const wallMs = deps.wallClock.now().getTime();
  const [leaseFrom, lease, farAhead] = [wallMs, wallMs + LEASE_MS, wallMs + 2 * LEASE_MS].map((ms) => new Date(ms).toISOString()) as [string, string, string];
  const claimed = await deps.db
    .updateTable('carrier_poll_accounts')
    .set({ lease_until: lease })
    .where('brand_id', '=', brandId)
    .where('carrier', '=', carrier)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', leaseFrom), eb('lease_until', '>', farAhead)]))
    .returningAll()
    .executeTakeFirst();
  if (!claimed) return { outcome: 'busy' };
  if (pauseInForce(claimed, now.getTime())) {
    await deps.db.updateTable('carrier_poll_accounts').set({ lease_until: null }).where('brand_id', '=', brandId).where('carrier', '=', carrier).where('lease_until', '=', lease).execute();
    return { outcome: 'paused', until: claimed.paused_until!, reason: claimed.pause_reason };
  }

  const gate = accountGate(deps, claimed, lease, carrierName);
  try {
    return { outcome: 'ran', value: await work(gate) };
  } finally {
    // The streak and pause are on the row already, saved when they changed; only one whose save
    // failed mid-run is written here. Nothing at all if the lease was lost.
    await saveAccount(deps, claimed, lease, { pause: gate.unsaved, release: true });
  }
}

/**
 * Writes the account's streak and pause, and gives the lease back, while the run still holds the
 * lease: `lease_until` as the claim set it is the run's token (a claim made after it ran out always
 * sets a later one). A run that lost the lease leaves the row to the runner holding it now, streak
 * and lease alike; only a pause longer than the row's is still recorded, since the carrier's
 * refusal binds the account whoever runs it.
 */
async function saveAccount(deps: Deps, claimed: CarrierPollAccountRow, lease: string, change: { pause: PauseState | null; release: boolean }): Promise<void> {
  const { pause, release } = change;
  if (!pause && !release) return;
  const at = deps.clock.now().toISOString();
  const account = () => deps.db.updateTable('carrier_poll_accounts').where('brand_id', '=', claimed.brand_id).where('carrier', '=', claimed.carrier);
  const fields = pause ? { failures: pause.failures, paused_until: pause.pausedUntil, pause_reason: pause.reason } : {};
  const held = await account()
    .set({ ...fields, ...(release ? { lease_until: null } : {}), updated_at: at })
    .where('lease_until', '=', lease)
    .executeTakeFirst();
  if (Number(held.numUpdatedRows) > 0) return;
  if (pause) await extendPause(deps, claimed.brand_id, claimed.carrier, pause);
  deps.log.warn({ brandId: claimed.brand_id, carrier: claimed.carrier }, 'the poll run lost its lease to another runner; the account is left as that runner keeps it');
}

/**
 * Records a carrier's pause on the account's row when it ends later than the one there: the
 * carrier's refusal binds the account whoever met it. The streak and lease are left to the runner.
 */
async function extendPause(deps: Deps, brandId: string, carrier: string, pause: PauseState): Promise<void> {
  const at = deps.clock.now().toISOString();
  const until = pause.pausedUntil;
  if (!until || until <= at) return;
  await deps.db
    .updateTable('carrier_poll_accounts')
    .set({ paused_until: until, pause_reason: pause.reason, updated_at: at })
    .where('brand_id', '=', brandId)
    .where('carrier', '=', carrier)
    .where((eb) => eb.or([eb('paused_until', 'is', null), eb('paused_until', '<', until)]))
    .execute();
}

/**
 * Runs `change` on the account's row with every other writer of its limiter state kept out until
 * it commits: SELECT … FOR UPDATE on PostgreSQL (several workers share one database); on SQLite the
 * transaction is enough (BEGIN IMMEDIATE takes the write lock at once, across processes too).
 * Reading the row and writing it back without this lets concurrent requests all see the same count
 * and all be admitted, and the last write wins.
 */
async function withLockedAccount<T>(deps: Deps, brandId: string, carrier: string, change: (row: CarrierPollAccountRow, trx: Db) => Promise<T>): Promise<T> {
  return deps.db.transaction().execute(async (trx) => {
    const read = trx.selectFrom('carrier_poll_accounts').selectAll().where('brand_id', '=', brandId).where('carrier', '=', carrier);
    const row = await lockedForUpdate(read, deps.dialect).executeTakeFirstOrThrow();
    return change(row, trx);
  });
}

/** The account's own limits (set through the API), if any. */
export function accountLimitsOf(row: Pick<CarrierPollAccountRow, 'limits'> | undefined) {
  if (!row?.limits) return null;
  const parsed = CarrierLimitsInputSchema.safeParse(JSON.parse(row.limits));
  return parsed.success ? parsed.data : null;
}

const stateOf = (row: CarrierPollAccountRow, nowMs: number): LimiterState =>
  rolledOver({ recent: JSON.parse(row.recent_requests) as number[], day: row.quota_day ?? '', used: row.used_today }, nowMs);

const limitsOfRow = (deps: Deps, row: CarrierPollAccountRow) => effectiveLimits(row.carrier, deps.config.polling.carrierLimits, accountLimitsOf(row));

/**
 * A request to the carrier outside a poll run (the check when a connection is saved; "track now"
 * asks `takeTrackNow`): counted against the account's limits like any other. `enforce` refuses it
 * when the limits say no (the caller answers 429); without it the request is only counted.
 */
export async function takeOutsideRequest(deps: Deps, brandId: string, carrier: string, options: { enforce: boolean }): Promise<Admission> {
  await ensureAccountRow(deps, brandId, carrier);
  const taken = await takeOnRow(deps, brandId, carrier, (row) => limitsOfRow(deps, row).limits, 0, options.enforce);
  return taken.admission;
}

/**
 * "Track now": refused, counting nothing, while the carrier's pause is on the account's row (the
 * carrier asked not to be called: Retry-After, an outage, refused credentials), or when the limits
 * say no; otherwise admitted and counted like a poll's request. The check made when a connection
 * is saved does not ask this: it has been sent already, and new credentials must be tried while
 * the old ones are refused.
 */
export async function takeTrackNow(deps: Deps, brandId: string, carrier: string): Promise<Admission | CarrierPause> {
  await ensureAccountRow(deps, brandId, carrier);
  return withLockedAccount(deps, brandId, carrier, async (row, trx) => {
    const nowMs = deps.clock.now().getTime();
    // Read under the same lock as the count: a pause any worker wrote a moment ago is seen.
    return pauseInForce(row, nowMs) ?? (await countOnRow(trx, row, limitsOfRow(deps, row).limits, nowMs, 0, true)).admission;
  });
}

const ensureAccountRow = (deps: Deps, brandId: string, carrier: string) =>
  deps.db.insertInto('carrier_poll_accounts').values(newAccountRow(brandId, carrier, deps.clock.now().toISOString())).onConflict((oc) => oc.columns(['brand_id', 'carrier']).doNothing()).execute();

/**
 * The carrier refused or failed a request made outside a run ("track now") in a way that binds the
 * account (`stopsTheAccount`): the pause it asks for is recorded at once, as a run's would be, so
 * polls and other requests wait for it too. The streak is left to the runs.
 */
export async function pauseAfterOutsideFailure(deps: Deps, brandId: string, carrier: string, carrierName: string, error: CarrierError): Promise<void> {
  const row = await deps.db.selectFrom('carrier_poll_accounts').select(['failures', 'paused_until', 'pause_reason']).where('brand_id', '=', brandId).where('carrier', '=', carrier).executeTakeFirstOrThrow();
  const next = afterFailure(pauseStateOf(row), error, carrierName, deps.clock.now().getTime());
  deps.log.warn({ brandId, carrier, code: error.code, pausedUntil: next.pausedUntil }, next.reason ?? '');
  await extendPause(deps, brandId, carrier, next);
}

/**
 * A connection just saved is a fresh start: the pause and failure streak the old credentials
 * earned (refused, or an outage the check has just seen pass) no longer hold the account, so the
 * polls and "track now" try it at once and the carrier's next answer decides. Before, a brand that
 * fixed refused credentials waited out the hour's pause.
 */
export async function liftPause(deps: Deps, brandId: string, carrier: string): Promise<void> {
  await deps.db
    .updateTable('carrier_poll_accounts')
    .set({ failures: ANSWERED.failures, paused_until: ANSWERED.pausedUntil, pause_reason: ANSWERED.reason, updated_at: deps.clock.now().toISOString() })
    .where('brand_id', '=', brandId)
    .where('carrier', '=', carrier)
    .execute();
}

/**
 * One request admitted and counted on the account's row in one step, under the row's lock: five
 * "track now" at once against the last two requests of a quota get two, not five, and a run sees
 * what was spent outside it (on any worker) before it admits. Refused: nothing is written.
 */
async function takeOnRow(deps: Deps, brandId: string, carrier: string, limitsOf: (row: CarrierPollAccountRow) => CarrierLimits, priority: number, enforce: boolean) {
  return withLockedAccount(deps, brandId, carrier, (row, trx) => countOnRow(trx, row, limitsOf(row), deps.clock.now().getTime(), priority, enforce));
}

/** One request decided on the row read under its lock, and counted when admitted. */
async function countOnRow(trx: Db, row: CarrierPollAccountRow, limits: CarrierLimits, nowMs: number, priority: number, enforce: boolean) {
  const taken = takeRequest(stateOf(row, nowMs), limits, nowMs, priority, enforce);
  if (taken.admission.ok) await saveState(trx, row.brand_id, row.carrier, taken.state);
  return taken;
}

const saveState = (db: Db, brandId: string, carrier: string, state: LimiterState) =>
  db
    .updateTable('carrier_poll_accounts')
    .set({ recent_requests: JSON.stringify(state.recent), quota_day: state.day, used_today: state.used })
    .where('brand_id', '=', brandId)
    .where('carrier', '=', carrier)
    .execute();

function accountGate(deps: Deps, row: CarrierPollAccountRow, lease: string, carrierName: string): AccountGate & { readonly unsaved: PauseState | null } {
  const { limits, source } = limitsOfRow(deps, row);
  const nowMs = () => deps.clock.now().getTime();
  let state: LimiterState = stateOf(row, nowMs());
  let saved = pauseStateOf(row);
  let pause = saved;
  // Written only when the state changes: the successful path (no streak, no pause) writes nothing.
  const change = async (next: PauseState) => {
    pause = next;
    if (samePause(next, saved)) return;
    await saveAccount(deps, row, lease, { pause: next, release: false });
    saved = next;
  };
  return {
    limits,
    limitsSource: source,
    async take(priority) {
      // Counted before the request goes, not when the run ends: a crash mid-run (up to ~45 DHL
      // requests in a run's 45 s) must not leave them to be spent again; at worst the one
      // request admitted but never sent is counted, the safe side. One short transaction a
      // request, beside the carrier's own round trip.
      const taken = await takeOnRow(deps, row.brand_id, row.carrier, () => limits, priority, true);
      state = taken.state; // what the row holds now, requests outside the run included
      return taken.admission;
    },
    succeeded: () => change(ANSWERED),
    async failed(error) {
      const next = afterFailure(pause, error, carrierName, nowMs());
      deps.log.warn({ brandId: row.brand_id, carrier: row.carrier, code: error.code, failures: next.failures, pausedUntil: next.pausedUntil }, next.reason ?? '');
      await change(next);
    },
    headroom: (priority) => headroom(state, limits, nowMs(), priority),
    peek: (priority) => admit(state, limits, nowMs(), priority),
    get pausedUntil() {
      // The row's pause when the run began had run out (or the run would not have begun).
      return pause.pausedUntil && Date.parse(pause.pausedUntil) > nowMs() ? new Date(pause.pausedUntil) : null;
    },
    get state() {
      return state;
    },
    /** A change whose save failed (it threw out of the run), for the run's end to write. */
    get unsaved() {
      return samePause(pause, saved) ? null : pause;
    },
  };
}
