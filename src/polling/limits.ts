// Carrier request limits, and the client-side limiter that keeps Waybill inside them. PURE.
//
// Limits per carrier API account: request rates over sliding windows ("1,400 per 10 s") and a
// daily quota that resets at 00:00 UTC. Defaults come from the carriers' published figures;
// CARRIER_LIMITS (env, per carrier) and the brand's own settings (per account) replace them.
// The limiter state is plain data kept on the account's row, read and written under the row's lock
// with every request (account.ts):
//   recent      request times (epoch ms) inside the longest window, oldest first
//   day, used   the UTC day being counted and the requests sent that day
// A request may go when every window holds fewer than `limit` requests in (now − window, now]
// and the day's quota is not spent; `pacedAllowance` spreads the quota over the day (urgent
// parcels a few hours ahead) so parcels that reach "out for delivery" in the evening still get polled.
import { z } from 'zod';
import { err, ok, type Result } from '../lib/result.js';

export type RateWindow = { limit: number; windowSeconds: number };
export type CarrierLimits = { rate: RateWindow[]; dailyQuota: number | null };
export type LimitsSource = 'default' | 'config' | 'account';

/**
 * Published limits (see the per-carrier READMEs for the sources):
 *   FedEx: 1,400 transactions per 10 s per project; Track capability 100,000 requests a day per project.
 *   DHL Unified Tracking: 1 call per second and 250 calls a day on the default plan.
 *   USPS Tracking v3: about 60 requests an hour on the default quota.
 *   UPS publishes no figure for the Track API; 10 per second is a conservative default.
 */
export const DEFAULT_CARRIER_LIMITS: Readonly<Record<string, CarrierLimits>> = {
  fedex: { rate: [{ limit: 1400, windowSeconds: 10 }], dailyQuota: 100_000 },
  dhl: { rate: [{ limit: 1, windowSeconds: 1 }], dailyQuota: 250 },
  usps: { rate: [{ limit: 60, windowSeconds: 3600 }], dailyQuota: null },
  ups: { rate: [{ limit: 10, windowSeconds: 1 }], dailyQuota: null },
};

export const RateWindowSchema = z.object({
  limit: z.number().int().min(1).max(1_000_000),
  windowSeconds: z.number().int().min(1).max(86_400),
});
/** Either part may be left out to keep the default; dailyQuota null means no daily quota. */
export const CarrierLimitsInputSchema = z
  .object({
    rate: z.array(RateWindowSchema).min(1).max(4).optional(),
    dailyQuota: z.number().int().min(1).max(100_000_000).nullable().optional(),
  })
  .strict();
export type CarrierLimitsInput = z.infer<typeof CarrierLimitsInputSchema>;
export type CarrierLimitsOverrides = Record<string, CarrierLimitsInput>;

const EnvSchema = z.partialRecord(z.enum(['ups', 'fedex', 'usps', 'dhl']), CarrierLimitsInputSchema);

/** CARRIER_LIMITS='{"dhl":{"dailyQuota":10000,"rate":[{"limit":5,"windowSeconds":1}]}}' */
export function parseCarrierLimitsEnv(raw: string | undefined): Result<CarrierLimitsOverrides, string> {
  if (!raw) return ok({});
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err('must be JSON, e.g. {"dhl":{"dailyQuota":10000}}');
  }
  const parsed = EnvSchema.safeParse(json);
  if (!parsed.success) return err(parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'} ${i.message}`).join('; '));
  return ok(parsed.data as CarrierLimitsOverrides);
}

/** The limits that apply to one account: the account's own, else the configured, else the published ones. */
export function effectiveLimits(carrier: string, configured: CarrierLimitsOverrides, account: CarrierLimitsInput | null): { limits: CarrierLimits; source: LimitsSource } {
  const base = DEFAULT_CARRIER_LIMITS[carrier] ?? { rate: [{ limit: 1, windowSeconds: 1 }], dailyQuota: null };
  const fromConfig = configured[carrier];
  const merged = applyOverride(applyOverride(base, fromConfig), account ?? undefined);
  const source: LimitsSource = account && (account.rate || account.dailyQuota !== undefined) ? 'account' : fromConfig ? 'config' : 'default';
  return { limits: merged, source };
}

function applyOverride(base: CarrierLimits, override: CarrierLimitsInput | undefined): CarrierLimits {
  if (!override) return base;
  return { rate: override.rate ?? base.rate, dailyQuota: override.dailyQuota === undefined ? base.dailyQuota : override.dailyQuota };
}

// ---------------------------------------------------------------------------------------------
// The limiter

export type LimiterState = { recent: number[]; day: string; used: number };

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const nextUtcMidnight = (ms: number): number => Date.parse(`${utcDay(ms)}T00:00:00Z`) + 86_400_000;

/** The state as of `now`: a new UTC day starts with nothing used. */
export function rolledOver(state: LimiterState, nowMs: number): LimiterState {
  const day = utcDay(nowMs);
  return state.day === day ? state : { ...state, day, used: 0 };
}

/** Milliseconds until every rate window has room for one more request (0: now). */
export function rateWaitMs(recent: readonly number[], rate: readonly RateWindow[], nowMs: number): number {
  let wait = 0;
  for (const { limit, windowSeconds } of rate) {
    const windowMs = windowSeconds * 1000;
    const inside = recent.filter((at) => at > nowMs - windowMs);
    if (inside.length < limit) continue;
    // The window has room again once the request `limit` places from the newest has left it.
    const leaving = inside[inside.length - limit]!;
    wait = Math.max(wait, leaving + windowMs - nowMs);
  }
  return wait;
}

/** The state after one more request at `now`; request times older than the longest window are dropped. */
export function recordRequest(state: LimiterState, rate: readonly RateWindow[], nowMs: number): LimiterState {
  const longest = Math.max(0, ...rate.map((w) => w.windowSeconds * 1000));
  const recent = [...state.recent.filter((at) => at > nowMs - longest), nowMs];
  return { ...rolledOver(state, nowMs), recent, used: rolledOver(state, nowMs).used + 1 };
}

/**
 * One request asked for now: admitted and counted, or refused with nothing counted. `enforce`
 * false counts it whatever the limits say (the request was made anyway: a connection check).
 */
export function takeRequest(state: LimiterState, limits: CarrierLimits, nowMs: number, priority: number, enforce = true): { admission: Admission; state: LimiterState } {
  const verdict = admit(state, limits, nowMs, priority);
  if (!verdict.ok && enforce) return { admission: verdict, state: rolledOver(state, nowMs) };
  return { admission: { ok: true }, state: recordRequest(state, limits.rate, nowMs) };
}

/**
 * How far ahead of an even spend over the day each priority may draw on the quota (in days):
 * parcels near delivery four hours ahead, those needing attention two, the rest one. So the quota
 * lasts the whole day, and what is urgent gets it first.
 */
export const PACE_AHEAD: readonly number[] = [4 / 24, 2 / 24, 1 / 24];

/** How many requests may have been spent by `now` today for a request of this priority (0 = most urgent). */
export function pacedAllowance(dailyQuota: number, nowMs: number, priority: number): number {
  const elapsed = (nowMs - Date.parse(`${utcDay(nowMs)}T00:00:00Z`)) / 86_400_000;
  const ahead = PACE_AHEAD[Math.min(priority, PACE_AHEAD.length - 1)]!;
  return Math.min(dailyQuota, Math.ceil(dailyQuota * (elapsed + ahead)));
}

export type Admission = { ok: true } | { ok: false; reason: 'rate'; waitMs: number } | { ok: false; reason: 'quota' | 'pacing'; untilMs: number };

/** May one more request of this priority go now? */
export function admit(state: LimiterState, limits: CarrierLimits, nowMs: number, priority: number): Admission {
  const current = rolledOver(state, nowMs);
  if (limits.dailyQuota !== null) {
    if (current.used >= limits.dailyQuota) return { ok: false, reason: 'quota', untilMs: nextUtcMidnight(nowMs) };
    if (current.used >= pacedAllowance(limits.dailyQuota, nowMs, priority)) {
      // The allowance grows by one request every day/quota milliseconds.
      const step = 86_400_000 / limits.dailyQuota;
      return { ok: false, reason: 'pacing', untilMs: Math.min(nextUtcMidnight(nowMs), nowMs + Math.ceil(step)) };
    }
  }
  const waitMs = rateWaitMs(current.recent, limits.rate, nowMs);
  return waitMs > 0 ? { ok: false, reason: 'rate', waitMs } : { ok: true };
}

/** How many requests of this priority could go right now, one after another (a bound for how much work to fetch). */
export function headroom(state: LimiterState, limits: CarrierLimits, nowMs: number, priority: number): number {
  const current = rolledOver(state, nowMs);
  let room = Number.POSITIVE_INFINITY;
  if (limits.dailyQuota !== null) room = Math.min(room, limits.dailyQuota - current.used, pacedAllowance(limits.dailyQuota, nowMs, priority) - current.used);
  for (const { limit, windowSeconds } of limits.rate) room = Math.min(room, limit - current.recent.filter((at) => at > nowMs - windowSeconds * 1000).length);
  return Math.max(0, room);
}

/** Requests a day the rate windows allow at most (the quota aside). */
export function rateCapacityPerDay(rate: readonly RateWindow[]): number {
  return Math.min(...rate.map((w) => Math.floor((w.limit * 86_400) / w.windowSeconds)));
}

/** What the account can spend in a day: the quota, or what the rate allows when that is lower. */
export const dailyCapacity = (limits: CarrierLimits): number => Math.min(limits.dailyQuota ?? Number.POSITIVE_INFINITY, rateCapacityPerDay(limits.rate));
