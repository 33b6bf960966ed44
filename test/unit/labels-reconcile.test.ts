// How often an unsettled label purchase is asked about again: soon at first, then hourly, for good;
// and what a carrier's failure to answer does to it (asked again, or parked on refused credentials).
import { describe, expect, it } from 'vitest';
import { reconcileRetryMs, unsettledBy } from '../../src/labels/reconcile.js';

describe('reconcileRetryMs', () => {
  it('waits 5 minutes, doubling, then an hour at most, however many checks it has taken', () => {
    expect([1, 2, 3, 4, 5, 6, 50, 999_999].map((attempt) => reconcileRetryMs(attempt) / 60_000)).toEqual([5, 10, 20, 40, 60, 60, 60, 60]);
    expect(reconcileRetryMs(0)).toBe(5 * 60_000);
  });
});

describe('unsettledBy', () => {
  const error = (code: 'auth_failed' | 'rate_limited' | 'unavailable' | 'timeout' | 'bad_request' | 'bad_response', retryAfterSeconds?: number) => ({ code, message: code, retryable: false, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });

  it('parks a purchase whose carrier refuses the account’s credentials', () => {
    expect(unsettledBy(error('auth_failed'), 3)).toEqual({ parked: 'carrier_refused_credentials' });
  });

  it('asks again after the back-off on a rate limit, an outage or a refusal that says nothing about the label, or after Retry-After when longer', () => {
    for (const code of ['rate_limited', 'unavailable', 'timeout', 'bad_request', 'bad_response'] as const) expect(unsettledBy(error(code), 2)).toEqual({ retryMs: 10 * 60_000 });
    expect(unsettledBy(error('rate_limited', 120), 1)).toEqual({ retryMs: 5 * 60_000 });
    expect(unsettledBy(error('rate_limited', 7200), 1)).toEqual({ retryMs: 7200_000 });
  });
});
