// The rule for a CSV row's undated status over what the shipment already holds (imports/undated-status.ts).
import { describe, expect, it } from 'vitest';
import { decideCsvStatus } from '../../src/imports/undated-status.js';

const AT = '2026-03-02T14:00:00.000Z';

describe('decideCsvStatus', () => {
  it('applies over nothing, and over a status an earlier CSV set', () => {
    expect(decideCsvStatus('in_transit', null)).toEqual({ apply: true });
    expect(decideCsvStatus('in_transit', { status: 'delivered', source: 'csv', occurredAt: AT })).toEqual({ apply: true });
  });

  it('leaves the same status unchanged, skips anything over a terminal one, and never moves a dated status back', () => {
    expect(decideCsvStatus('delivered', { status: 'delivered', source: 'carrier_webhook', occurredAt: AT })).toEqual({ apply: false, skipped: null });
    expect(decideCsvStatus('returned', { status: 'delivered', source: 'carrier_poll', occurredAt: AT })).toEqual({
      apply: false,
      skipped: `already delivered (carrier scan of ${AT}); a CSV status without a date does not override it`,
    });
    expect(decideCsvStatus('info_received', { status: 'in_transit', source: 'api', occurredAt: AT })).toEqual({
      apply: false,
      skipped: `already in_transit (API event of ${AT}); a CSV status without a date does not move a parcel back`,
    });
  });

  it('applies a status further along the journey than a dated one', () => {
    expect(decideCsvStatus('delivered', { status: 'out_for_delivery', source: 'aggregator_webhook', occurredAt: AT })).toEqual({ apply: true });
  });
});
