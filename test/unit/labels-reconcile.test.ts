// How often an unsettled label purchase is asked about again: soon at first, then hourly, for good.
import { describe, expect, it } from 'vitest';
import { reconcileRetryMs } from '../../src/labels/reconcile.js';

describe('reconcileRetryMs', () => {
  it('waits 5 minutes, doubling, then an hour at most, however many checks it has taken', () => {
    expect([1, 2, 3, 4, 5, 6, 50, 999_999].map((attempt) => reconcileRetryMs(attempt) / 60_000)).toEqual([5, 10, 20, 40, 60, 60, 60, 60]);
    expect(reconcileRetryMs(0)).toBe(5 * 60_000);
  });
});
