import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFedexEmulator, type FedexEmulator, type FedexEmulatorShipment } from '../../src/carriers/fedex/emulator.js';
import { fedexAdapter } from '../../src/carriers/fedex/index.js';
import type { CarrierContext } from '../../src/carriers/types.js';
import { manualClock } from '../../src/lib/clock.js';
import { testContext } from './helpers/carrier-tests.js';

const PARCEL = '776094337676';
const journey: FedexEmulatorShipment = {
  estimatedDelivery: '2026-01-08T00:00:00-08:00',
  deliveryAttempts: 1,
  events: [
    { at: '2026-01-05T09:10:00-05:00', eventType: 'OC', eventDescription: 'Shipment information sent to FedEx' },
    { at: '2026-01-05T16:05:00-08:00', eventType: 'PU', eventDescription: 'Picked up', location: { city: 'ORANGE', stateOrProvinceCode: 'CA', postalCode: '92868', countryCode: 'US' } },
    { at: '2026-01-06T08:01:00-08:00', eventType: 'OD', eventDescription: 'On FedEx vehicle for delivery', location: { city: 'CLOVIS', stateOrProvinceCode: 'CA', countryCode: 'US' } },
    {
      at: '2026-01-06T13:40:00-08:00',
      eventType: 'DE',
      eventDescription: 'Delivery exception',
      exceptionCode: '08',
      exceptionDescription: 'Customer not available or business closed',
      location: { city: 'FRESNO', stateOrProvinceCode: 'CA', countryCode: 'US' },
    },
  ],
};

describe('FedEx adapter against the FedEx emulator', () => {
  let emulator: FedexEmulator;
  let clock: ReturnType<typeof manualClock>;
  let ctx: CarrierContext;

  beforeEach(async () => {
    clock = manualClock('2026-01-06T22:00:00Z');
    emulator = await startFedexEmulator({ clock, tokenTtlSeconds: 3599 });
    emulator.addShipment(PARCEL, journey);
    ctx = testContext({ credentials: { clientId: emulator.clientId, clientSecret: emulator.clientSecret }, baseUrl: emulator.url, clock });
  });
  afterEach(() => emulator.close());

  it('tracks a parcel end to end, with a failed attempt and an estimate', async () => {
    const result = await fedexAdapter.track(ctx, [PARCEL]);
    if (!result.ok) throw new Error(result.error.message);
    const [parcel] = result.value;
    if (!parcel?.found) throw new Error('expected found');
    expect(parcel.events.map((e) => [e.status, e.reason, e.occurredAt])).toEqual([
      ['info_received', null, '2026-01-05T09:10:00-05:00'],
      ['in_transit', null, '2026-01-05T16:05:00-08:00'],
      ['out_for_delivery', null, '2026-01-06T08:01:00-08:00'],
      ['attempt_failed', 'business_closed', '2026-01-06T13:40:00-08:00'],
    ]);
    expect(parcel.estimatedDelivery).toEqual({ from: '2026-01-08T00:00:00-08:00', to: '2026-01-08T23:59:59-08:00' });
    expect(parcel.service).toBe('FedEx Ground');
  });

  it('answers found:false for a number FedEx does not know (inside a 200)', async () => {
    const result = await fedexAdapter.track(ctx, ['123456789012', PARCEL]);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.map((r) => [r.trackingNumber, r.found])).toEqual([
      ['123456789012', false],
      [PARCEL, true],
    ]);
    expect(result.value[0]).toEqual({ trackingNumber: '123456789012', found: false, message: 'Tracking number cannot be found. Please correct the tracking number and try again.' });
  });

  it('splits 31 numbers into a call of 30 and a call of 1 (FedEx refuses 31)', async () => {
    const numbers = Array.from({ length: 31 }, (_, i) => String(700000000000 + i));
    const result = await fedexAdapter.track(ctx, numbers);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.map((r) => r.trackingNumber)).toEqual(numbers);
    expect(emulator.state.numbersPerTrackRequest).toEqual([30, 1]);
    expect(emulator.state.requests).toEqual({ token: 1, track: 2, total: 3 });
  });

  it('sends the headers and bodies FedEx documents', async () => {
    await fedexAdapter.track(ctx, [PARCEL]);
    const [tokenRequest, trackRequest] = emulator.state.log;
    expect(tokenRequest).toMatchObject({ method: 'POST', path: '/oauth/token' });
    expect(tokenRequest!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest!.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    });
    expect(trackRequest).toMatchObject({ method: 'POST', path: '/track/v1/trackingnumbers' });
    expect(trackRequest!.headers['content-type']).toBe('application/json');
    expect(trackRequest!.headers['authorization']).toMatch(/^Bearer .+/);
    expect(trackRequest!.headers['x-locale']).toBe('en_US');
    expect(JSON.parse(trackRequest!.body)).toEqual({ includeDetailedScans: true, trackingInfo: [{ trackingNumberInfo: { trackingNumber: PARCEL } }] });
  });

  describe('token', () => {
    it('is fetched once and cached across calls, and shared by concurrent calls', async () => {
      await fedexAdapter.track(ctx, [PARCEL]);
      await Promise.all([1, 2, 3].map(() => fedexAdapter.track(ctx, [PARCEL])));
      expect(emulator.state.requests).toEqual({ token: 1, track: 4, total: 5 });
    });

    it('is renewed a few minutes before it expires', async () => {
      await fedexAdapter.track(ctx, [PARCEL]);
      clock.advance(54 * 60_000); // about 6 minutes left: still good
      await fedexAdapter.track(ctx, [PARCEL]);
      expect(emulator.state.tokensIssued).toBe(1);
      clock.advance(2 * 60_000); // about 4 minutes left: renew
      expect((await fedexAdapter.track(ctx, [PARCEL])).ok).toBe(true);
      expect(emulator.state.tokensIssued).toBe(2);
    });

    it('is fetched again once when FedEx answers 401, then the call succeeds', async () => {
      await fedexAdapter.track(ctx, [PARCEL]);
      emulator.revokeTokens();
      expect((await fedexAdapter.track(ctx, [PARCEL])).ok).toBe(true);
      expect(emulator.state.tokensIssued).toBe(2);
      expect(emulator.state.requests.track).toBe(3);
    });

    it('is not fetched in a loop: a second 401 is auth_failed with the carrier message', async () => {
      emulator.failNext({ status: 401, on: 'track', times: 2 });
      expect(await fedexAdapter.track(ctx, [PARCEL])).toEqual({
        ok: false,
        error: {
          code: 'auth_failed',
          message: 'FedEx refused the credentials',
          retryable: false,
          carrierCode: 'NOT.AUTHORIZED.ERROR',
          carrierMessage: 'Access token expired. Please modify your request and try again.',
        },
      });
      expect(emulator.state.requests).toEqual({ token: 2, track: 2, total: 4 });
    });
  });

  describe('errors', () => {
    it('wrong credentials → auth_failed with FedEx’s own message', async () => {
      ctx.credentials = { clientId: emulator.clientId, clientSecret: 'wrong' };
      expect(await fedexAdapter.track(ctx, [PARCEL])).toMatchObject({
        ok: false,
        error: { code: 'auth_failed', carrierCode: 'NOT.AUTHORIZED.ERROR', carrierMessage: 'The given client credentials were not valid. Please modify your request and try again.' },
      });
      expect(emulator.state.requests.track).toBe(0);
      expect(await fedexAdapter.verifyCredentials!(ctx)).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
    });

    it('403 → auth_failed', async () => {
      emulator.failNext({ status: 403, on: 'track' });
      expect(await fedexAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'auth_failed', carrierCode: 'FORBIDDEN.ERROR' } });
    });

    it('429 → rate_limited with retryAfterSeconds', async () => {
      emulator.failNext({ status: 429, retryAfter: 60, on: 'track' });
      expect(await fedexAdapter.track(ctx, [PARCEL])).toMatchObject({
        ok: false,
        error: { code: 'rate_limited', retryable: true, retryAfterSeconds: 60, carrierCode: 'TOO.MANY.REQUESTS.ERROR' },
      });
    });

    it.each([500, 503])('%i → unavailable, retryable', async (status) => {
      emulator.failNext({ status, on: 'track' });
      expect(await fedexAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    });

    it('a failure in the second chunk fails the batch (the job retries it whole)', async () => {
      const numbers = Array.from({ length: 31 }, (_, i) => String(700000000000 + i));
      await fedexAdapter.verifyCredentials!(ctx);
      emulator.failNext({ status: 503, on: 'track' });
      expect(await fedexAdapter.track(ctx, numbers)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    });

    it('a slow answer → timeout, retryable', async () => {
      await fedexAdapter.verifyCredentials!(ctx);
      emulator.setLatency(500);
      expect(await fedexAdapter.track({ ...ctx, timeoutMs: 100 }, [PARCEL])).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    });

    it('a malformed body → bad_response', async () => {
      emulator.malformedNext();
      expect(await fedexAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'bad_response', retryable: false } });
    });

    it('a malformed token answer → bad_response', async () => {
      emulator.malformedNext({ on: 'token' });
      expect(await fedexAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'bad_response' } });
    });

    it('nobody listening → unavailable, retryable', async () => {
      await emulator.close();
      expect(await fedexAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    });
  });

  describe('the emulator holds FedEx’s contract', () => {
    const token = async () => {
      const response = await fetch(`${emulator.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: emulator.clientSecret }),
      });
      const body = (await response.json()) as { access_token: string; expires_in: number; token_type: string };
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3599 });
      return body.access_token;
    };
    const track = async (numbers: string[], detailed = true) =>
      fetch(`${emulator.url}/track/v1/trackingnumbers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
        body: JSON.stringify({ includeDetailedScans: detailed, trackingInfo: numbers.map((trackingNumber) => ({ trackingNumberInfo: { trackingNumber } })) }),
      });

    it('refuses a JSON body where FedEx wants a form', async () => {
      const response = await fetch(`${emulator.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: emulator.clientSecret }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ code: 'BAD.REQUEST.ERROR' }] });
    });

    it('refuses more than 30 numbers in one request', async () => {
      const response = await track(Array.from({ length: 31 }, (_, i) => String(700000000000 + i)));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ code: 'TRACKING.TRACKINGNUMBER.LIMITEXCEEDED' }] });
    });

    it('refuses an empty request and an expired token', async () => {
      expect(await (await track([])).json()).toMatchObject({ errors: [{ code: 'TRACKING.TRACKINGNUMBER.EMPTY' }] });
      const issued = await token();
      clock.advance(3600_000);
      const expired = await fetch(`${emulator.url}/track/v1/trackingnumbers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${issued}` },
        body: JSON.stringify({ trackingInfo: [{ trackingNumberInfo: { trackingNumber: PARCEL } }] }),
      });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ errors: [{ code: 'NOT.AUTHORIZED.ERROR' }] });
    });

    it('sends scans only with includeDetailedScans, newest first', async () => {
      type Body = { output: { completeTrackResults: Array<{ trackResults: Array<{ scanEvents?: Array<{ eventType: string }> }> }> } };
      const detailed = (await (await track([PARCEL])).json()) as Body;
      expect(detailed.output.completeTrackResults[0]!.trackResults[0]!.scanEvents!.map((s) => s.eventType)).toEqual(['DE', 'OD', 'PU', 'OC']);
      const summary = (await (await track([PARCEL], false)).json()) as Body;
      expect(summary.output.completeTrackResults[0]!.trackResults[0]).not.toHaveProperty('scanEvents');
    });
  });
});
