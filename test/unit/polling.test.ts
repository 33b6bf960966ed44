// The rules of polling, pure: limits and the limiter, the cadence, pauses, and the quota advice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitEnforcer } from '../../src/carriers/emulator-kit.js';
import { manualClock } from '../../src/lib/clock.js';
import { carrierMessage } from '../../src/carriers/connections.js';
import { backoffMs, pauseFor, pauseInForce } from '../../src/polling/account.js';
import { type CadenceInput, isPushLive, planNextPoll, PRIORITY } from '../../src/polling/cadence.js';
import { admit, DEFAULT_CARRIER_LIMITS, effectiveLimits, type LimiterState, pacedAllowance, parseCarrierLimitsEnv, rateWaitMs, recordRequest, takeRequest } from '../../src/polling/limits.js';
import { adviseQuota } from '../../src/polling/report.js';
import { notAdmitted } from '../../src/shipments/refresh.js';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const fresh = (): LimiterState => ({ recent: [], day: '2026-03-02', used: 0 });

describe('limits', () => {
  it('defaults to the published figures and lets configuration and the account replace parts of them', () => {
    expect(DEFAULT_CARRIER_LIMITS.fedex).toEqual({ rate: [{ limit: 1400, windowSeconds: 10 }], dailyQuota: 100_000 });
    expect(DEFAULT_CARRIER_LIMITS.dhl).toEqual({ rate: [{ limit: 1, windowSeconds: 1 }], dailyQuota: 250 });
    expect(DEFAULT_CARRIER_LIMITS.usps).toEqual({ rate: [{ limit: 60, windowSeconds: 3600 }], dailyQuota: null });
    expect(effectiveLimits('dhl', {}, null)).toEqual({ limits: DEFAULT_CARRIER_LIMITS.dhl, source: 'default' });
    expect(effectiveLimits('dhl', { dhl: { dailyQuota: 10_000 } }, null)).toEqual({ limits: { rate: [{ limit: 1, windowSeconds: 1 }], dailyQuota: 10_000 }, source: 'config' });
    expect(effectiveLimits('dhl', { dhl: { dailyQuota: 10_000 } }, { rate: [{ limit: 5, windowSeconds: 1 }] })).toEqual({
      limits: { rate: [{ limit: 5, windowSeconds: 1 }], dailyQuota: 10_000 },
      source: 'account',
    });
    expect(effectiveLimits('usps', {}, { dailyQuota: null }).limits.dailyQuota).toBeNull();
  });

  it('reads CARRIER_LIMITS and names what is wrong with it', () => {
    expect(parseCarrierLimitsEnv('{"fedex":{"dailyQuota":500000}}')).toEqual({ ok: true, value: { fedex: { dailyQuota: 500_000 } } });
    expect(parseCarrierLimitsEnv('not json')).toMatchObject({ ok: false, error: expect.stringContaining('JSON') });
    expect(parseCarrierLimitsEnv('{"ontrac":{}}')).toMatchObject({ ok: false });
    expect(parseCarrierLimitsEnv('{"dhl":{"rate":[{"limit":0,"windowSeconds":1}]}}')).toMatchObject({ ok: false, error: expect.stringContaining('dhl.rate.0.limit') });
    expect(parseCarrierLimitsEnv('{"dhl":{"dailyquota":5}}')).toMatchObject({ ok: false });
  });

  it('waits until the request `limit` places back has left the window (half-open windows)', () => {
    const rate = [{ limit: 2, windowSeconds: 10 }];
    expect(rateWaitMs([NOW - 9000], rate, NOW)).toBe(0);
    expect(rateWaitMs([NOW - 9000, NOW - 1000], rate, NOW)).toBe(1000);
    expect(rateWaitMs([NOW - 10_000, NOW - 1000], rate, NOW)).toBe(0); // exactly 10 s ago is outside
    expect(rateWaitMs([NOW - 1], [{ limit: 1, windowSeconds: 1 }, { limit: 60, windowSeconds: 3600 }], NOW)).toBe(999);
  });

  it('stops at the daily quota until 00:00 UTC and paces the rest of the day, near-delivery parcels first', () => {
    const limits = { rate: [{ limit: 100, windowSeconds: 1 }], dailyQuota: 240 };
    const spent: LimiterState = { recent: [], day: '2026-03-02', used: 240 };
    expect(admit(spent, limits, NOW, PRIORITY.nearDelivery)).toEqual({ ok: false, reason: 'quota', untilMs: Date.parse('2026-03-03T00:00:00Z') });
    expect(admit({ ...spent, day: '2026-03-01' }, limits, NOW, 2)).toEqual({ ok: true }); // a new day
    // At noon, half the day (plus an hour ahead) may be spent: 130 of 240.
    expect(pacedAllowance(240, NOW, 2)).toBe(130);
    expect(admit({ ...spent, used: 130 }, limits, NOW, PRIORITY.moving)).toMatchObject({ ok: false, reason: 'pacing' });
    expect(admit({ ...spent, used: 130 }, limits, NOW, PRIORITY.nearDelivery)).toEqual({ ok: true });
  });

  it('takes a request: admitted and counted, or refused and nothing counted; unenforced, counted whatever the limits', () => {
    const LATE = Date.parse('2026-03-02T23:00:00Z'); // pacing allows the whole quota by now
    const limits = { rate: [{ limit: 1, windowSeconds: 1 }], dailyQuota: 250 };
    const last: LimiterState = { recent: [], day: '2026-03-02', used: 249 };
    expect(takeRequest(last, limits, LATE, 0)).toEqual({ admission: { ok: true }, state: { recent: [LATE], day: '2026-03-02', used: 250 } });
    const spent = takeRequest(last, limits, LATE, 0).state;
    expect(takeRequest(spent, limits, LATE, 0)).toEqual({ admission: { ok: false, reason: 'quota', untilMs: Date.parse('2026-03-03T00:00:00Z') }, state: spent });
    expect(takeRequest(spent, limits, LATE, 0, false)).toEqual({ admission: { ok: true }, state: { recent: [LATE, LATE], day: '2026-03-02', used: 251 } });
    expect(takeRequest({ ...spent, day: '2026-03-01' }, limits, LATE + 1000, 0).state).toEqual({ recent: [LATE + 1000], day: '2026-03-02', used: 1 }); // a new day
  });

  it('never sends a request the carrier would refuse, whatever the timing (checked against the emulator’s own counting)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(DEFAULT_CARRIER_LIMITS.dhl, DEFAULT_CARRIER_LIMITS.usps, { rate: [{ limit: 3, windowSeconds: 2 }, { limit: 5, windowSeconds: 10 }], dailyQuota: 40 }),
        (gaps, limits) => {
          const clock = manualClock('2026-03-02T23:59:00Z');
          const carrier = limitEnforcer({ rate: limits.rate, dailyQuota: limits.dailyQuota ?? undefined }, clock);
          let state: LimiterState = { recent: [], day: '', used: 0 };
          for (const gap of gaps) {
            clock.advance(gap * 10);
            const now = clock.now().getTime();
            if (!admit(state, limits, now, 0).ok) continue;
            state = recordRequest(state, limits.rate, now);
            expect(carrier.admit()).toEqual({ ok: true });
          }
          expect(carrier.violations).toEqual({ rate: 0, quota: 0 });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('cadence', () => {
  const base: CadenceInput = { shipmentId: 'shp_1', status: 'in_transit', delayed: false, estimatedTo: null, lastEventAt: '2026-03-02T10:00:00Z', createdAt: '2026-03-01T10:00:00Z', pushLive: false, notFoundStreak: 0 };
  const settings = { safetyNetHours: 12, expireAfterDays: 30 };
  const now = new Date(NOW);
  const hours = (input: Partial<CadenceInput>) => {
    const plan = planNextPoll({ ...base, ...input }, settings, now);
    return plan.kind === 'poll' ? { hours: Math.round((plan.intervalSeconds / 3600) * 10) / 10, priority: plan.priority } : plan.kind;
  };

  it('polls often near delivery, rarely mid-journey, and never after a terminal status', () => {
    expect(hours({ status: 'out_for_delivery' })).toEqual({ hours: expect.closeTo(0.5, 0), priority: PRIORITY.nearDelivery });
    expect(hours({ estimatedTo: '2026-03-02T23:59:00Z' })).toMatchObject({ priority: PRIORITY.nearDelivery });
    expect((hours({ estimatedTo: '2026-03-02T23:59:00Z' }) as { hours: number }).hours).toBeLessThanOrEqual(1.1);
    expect((hours({ estimatedTo: '2026-03-06T23:59:00Z' }) as { hours: number }).hours).toBeGreaterThanOrEqual(5.4);
    expect(hours({ estimatedTo: '2026-03-01T23:59:00Z' })).toMatchObject({ priority: PRIORITY.actionNeeded }); // late
    for (const status of ['delivered', 'returned', 'cancelled', 'expired'] as const) expect(hours({ status })).toBe('stop');
  });

  it('expires a parcel with no carrier data for the configured days', () => {
    expect(hours({ lastEventAt: '2026-01-31T11:59:00Z' })).toBe('expire');
    expect(hours({ lastEventAt: null, createdAt: '2026-01-31T11:59:00Z', status: 'pending' })).toBe('expire');
    expect(hours({ lastEventAt: '2026-02-01T12:01:00Z' })).not.toBe('expire');
  });

  it('polls a parcel with a live push source only as a safety net', () => {
    expect(hours({ status: 'out_for_delivery', pushLive: true })).toEqual({ hours: expect.any(Number), priority: PRIORITY.safetyNet });
    expect((hours({ status: 'out_for_delivery', pushLive: true }) as { hours: number }).hours).toBeGreaterThanOrEqual(10.8);
    expect(isPushLive({ subscriptionExpiresAt: '2026-03-10T00:00:00Z', lastPushAt: null }, now)).toBe(true);
    expect(isPushLive({ subscriptionExpiresAt: '2026-03-01T00:00:00Z', lastPushAt: '2026-03-01T00:00:00Z' }, now)).toBe(true);
    expect(isPushLive({ subscriptionExpiresAt: null, lastPushAt: '2026-02-20T00:00:00Z' }, now)).toBe(false);
  });

  it('asks less and less about a number the carrier does not know yet', () => {
    const streak = [0, 1, 2, 5].map((n) => (hours({ status: 'pending', lastEventAt: null, notFoundStreak: n }) as { hours: number }).hours);
    expect(streak[0]).toBeLessThan(streak[1]!);
    expect(streak[1]).toBeLessThan(streak[2]!);
    expect(streak[3]).toBeLessThanOrEqual(6.6);
  });
});

describe('pauses', () => {
  const error = (code: 'rate_limited' | 'unavailable' | 'auth_failed', extra: object = {}) => ({ code, message: 'x', retryable: code !== 'auth_failed', ...extra });
  it('honours Retry-After, waits for the quota reset when the carrier says the quota is spent, backs off otherwise', () => {
    expect(pauseFor(error('rate_limited', { retryAfterSeconds: 30 }), 1, 'DHL', NOW).ms).toBe(30_000);
    expect(pauseFor(error('rate_limited', { carrierMessage: 'The daily quota of calls for this API key is exhausted.' }), 1, 'DHL', NOW).ms).toBe(12 * 3_600_000);
    expect(pauseFor(error('unavailable', { retryAfterSeconds: 600 }), 1, 'USPS', NOW).ms).toBe(600_000);
    expect(pauseFor(error('auth_failed'), 1, 'UPS', NOW)).toMatchObject({ ms: 3_600_000, reason: expect.stringContaining('reconnect') });
    // The reason is stored: a carrier's control characters (a NUL, which PostgreSQL cannot store) become spaces.
    expect(pauseFor(error('unavailable', { carrierMessage: 'Down\u0000for\u0007maintenance' }), 1, 'USPS', NOW).reason).toBe('USPS is failing: x (Down for maintenance)');
    expect(carrierMessage({ code: 'bad_request', message: 'x', retryable: false, carrierCode: 'E1', carrierMessage: 'Bad\u0000ZIP' })).toBe('Bad ZIP (E1)');
    expect(backoffMs(1, () => 0.5)).toBe(30_000);
    expect(backoffMs(4, () => 0.5)).toBe(240_000);
    expect(backoffMs(30, () => 0.5)).toBe(1_800_000);
  });

  it('bind "track now" until the pause on the row ends, and say so as a 429 with Retry-After at its end', () => {
    const row = (at: string | null) => ({ paused_until: at, pause_reason: at && 'DHL throttled the account: DHL answered 429' });
    expect(pauseInForce(row(null), NOW)).toBeNull();
    expect(pauseInForce(row('2026-03-02T12:00:00.000Z'), NOW)).toBeNull(); // ended
    const paused = pauseInForce(row('2026-03-02T12:10:00.000Z'), NOW)!;
    expect(paused).toEqual({ ok: false, reason: 'paused', untilMs: NOW + 600_000, pauseReason: 'DHL throttled the account: DHL answered 429' });
    const refusal = notAdmitted('DHL', 'dhl', paused, NOW + 1);
    expect(refusal).toMatchObject({ code: 'carrier_paused', status: 429, headers: { 'retry-after': '600' }, details: { carrier: 'dhl', pausedUntil: '2026-03-02T12:10:00.000Z' } });
    expect(refusal.message).toBe('the DHL account is paused until 2026-03-02T12:10:00.000Z, and Waybill does not call DHL before then: DHL throttled the account: DHL answered 429');
    expect(notAdmitted('DHL', 'dhl', { ok: false, reason: 'rate', waitMs: 400 }, NOW)).toMatchObject({ code: 'rate_limited', headers: { 'retry-after': '1' } });
  });
});

describe('quota advice', () => {
  it('says plainly when a quota is too small for the volume, and what to do', () => {
    const advice = adviseQuota({ carrierName: 'DHL', carrier: 'dhl', limits: DEFAULT_CARRIER_LIMITS.dhl!, batchSize: 1, demand: { activeShipments: 1000, pollsPerDay: 5000, dueNow: 300, overdue: 120 } });
    expect(advice).toMatchObject({ requestsNeededPerDay: 5000, capacityPerDay: 250, coverage: 0.05, quotaTooSmall: true });
    expect(advice.message).toContain('daily quota of 250 requests allows 5% of that');
    expect(advice.message).toContain('PUT /v1/carriers/dhl/polling');
    const fedex = adviseQuota({ carrierName: 'FedEx', carrier: 'fedex', limits: DEFAULT_CARRIER_LIMITS.fedex!, batchSize: 30, demand: { activeShipments: 25_000, pollsPerDay: 150_000, dueNow: 0, overdue: 0 } });
    expect(fedex).toMatchObject({ requestsNeededPerDay: 5000, coverage: 1, quotaTooSmall: false });
    const usps = adviseQuota({ carrierName: 'USPS', carrier: 'usps', limits: DEFAULT_CARRIER_LIMITS.usps!, batchSize: 1, demand: { activeShipments: 600, pollsPerDay: 3000, dueNow: 0, overdue: 0 } });
    expect(usps).toMatchObject({ capacityPerDay: 1440, quotaTooSmall: true });
    expect(usps.message).toContain('rate limit (about 1,440 requests a day)');
  });

  it('counts in good English: one parcel needs one request, one parcel is late', () => {
    const one = adviseQuota({ carrierName: 'FedEx', carrier: 'fedex', limits: DEFAULT_CARRIER_LIMITS.fedex!, batchSize: 30, demand: { activeShipments: 1, pollsPerDay: 1, dueNow: 0, overdue: 0 } });
    expect(one.message).toBe('FedEx: its daily quota of 100,000 requests covers the 1 request a day that 1 active parcel needs.');
    const late = adviseQuota({ carrierName: 'DHL', carrier: 'dhl', limits: { rate: [], dailyQuota: 1 }, batchSize: 1, demand: { activeShipments: 1, pollsPerDay: 2, dueNow: 1, overdue: 1 } });
    expect(late.message).toContain('DHL: the account is too small for this volume. 1 active parcel needs about 2 requests a day at its polling cadence, but its daily quota of 1 request allows 50% of that.');
    expect(late.message).toContain('(1 is over an hour late now)');
  });

  it('offers push only where it exists: UPS Track Alert, and for DHL, FedEx and USPS the aggregators’ webhooks', () => {
    const short = { activeShipments: 1000, pollsPerDay: 50_000_000, dueNow: 0, overdue: 0 };
    const ups = adviseQuota({ carrierName: 'UPS', carrier: 'ups', limits: DEFAULT_CARRIER_LIMITS.ups!, batchSize: 1, demand: short });
    expect(ups.quotaTooSmall).toBe(true);
    expect(ups.message).toMatch(/or have UPS push the events by Track Alert \(PUT \/v1\/inbound-webhooks\/ups_track_alert\); pushed parcels are polled only as a safety net\.$/);
    for (const [carrierName, carrier] of [['DHL', 'dhl'], ['FedEx', 'fedex'], ['USPS', 'usps']] as const) {
      const advice = adviseQuota({ carrierName, carrier, limits: DEFAULT_CARRIER_LIMITS[carrier]!, batchSize: 1, demand: short });
      expect(advice.quotaTooSmall).toBe(true);
      expect(advice.message).toContain('or track the parcels through EasyPost or Shippo and have their webhooks push the events (PUT /v1/inbound-webhooks/easypost or /shippo)');
      expect(advice.message).toContain(`${carrierName} itself has no push Waybill receives`);
      expect(advice.message).not.toContain('Track Alert');
    }
  });
});
