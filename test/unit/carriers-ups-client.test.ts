import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startUpsEmulator, type UpsEmulator, type UpsEmulatorShipment } from '../../src/carriers/ups/emulator.js';
import { upsAdapter } from '../../src/carriers/ups/index.js';
import type { CarrierContext } from '../../src/carriers/types.js';
import { manualClock } from '../../src/lib/clock.js';
import { testContext } from './helpers/carrier-tests.js';

const PARCEL = '1Z5R89390357567127';
const journey: UpsEmulatorShipment = {
  scheduledDelivery: '2026-01-07',
  activities: [
    { at: '2026-01-05T09:30:00-05:00', type: 'M', code: 'MP', statusCode: '003', description: 'Shipper created a label, UPS has not received the package yet.', localTimeOnly: true },
    { at: '2026-01-05T20:13:00-05:00', type: 'I', code: 'OR', statusCode: '005', description: 'Origin Scan', location: { city: 'Atlanta', stateProvince: 'GA', countryCode: 'US' } },
    { at: '2026-01-06T09:15:19-05:00', type: 'I', code: 'OT', statusCode: '021', description: 'Out For Delivery Today', location: { city: 'Charlotte', stateProvince: 'NC', countryCode: 'US' } },
  ],
};

describe('UPS adapter against the UPS emulator', () => {
  let emulator: UpsEmulator;
  let clock: ReturnType<typeof manualClock>;
  let ctx: CarrierContext;

  beforeEach(async () => {
    clock = manualClock('2026-01-06T12:00:00Z');
    emulator = await startUpsEmulator({ clock, tokenTtlSeconds: 3600 });
    emulator.addShipment(PARCEL, journey);
    ctx = testContext({ credentials: { clientId: emulator.clientId, clientSecret: emulator.clientSecret, transactionSrc: 'waybill-tests' }, baseUrl: emulator.url, clock });
  });
  afterEach(() => emulator.close());

  it('tracks a package end to end', async () => {
    const result = await upsAdapter.track(ctx, [PARCEL]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [parcel] = result.value;
    expect(parcel).toMatchObject({ trackingNumber: PARCEL, found: true, service: 'UPS Ground' });
    if (!parcel?.found) return;
    expect(parcel.events.map((e) => [e.status, e.occurredAt])).toEqual([
      ['info_received', '2026-01-05T09:30:00-05:00'],
      ['in_transit', '2026-01-05T20:13:00-05:00'],
      ['out_for_delivery', '2026-01-06T09:15:19-05:00'],
    ]);
    expect(parcel.estimatedDelivery).toEqual({ from: '2026-01-07T00:00:00-05:00', to: '2026-01-07T23:59:00-05:00' });
  });

  it('answers found:false for unknown numbers (200 + TW0001) and invalid ones (TV1002)', async () => {
    const result = await upsAdapter.track(ctx, ['1Z0000000000000000', 'AB12']);
    expect(result).toEqual({
      ok: true,
      value: [
        { trackingNumber: '1Z0000000000000000', found: false, message: 'Tracking Information Not Found' },
        { trackingNumber: 'AB12', found: false, message: 'Invalid inquiry number' },
      ],
    });
  });

  it('sends the headers and bodies UPS documents', async () => {
    ctx.credentials = { ...(ctx.credentials as object), accountNumber: 'A1B2C3' };
    await upsAdapter.track(ctx, [PARCEL]);
    await upsAdapter.track(ctx, [PARCEL]);
    const [tokenRequest, ...trackRequests] = emulator.state.log;
    expect(tokenRequest).toMatchObject({ method: 'POST', path: '/security/v1/oauth/token', body: 'grant_type=client_credentials' });
    expect(tokenRequest!.headers['authorization']).toBe(`Basic ${Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64')}`);
    expect(tokenRequest!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest!.headers['x-merchant-id']).toBe('A1B2C3');

    expect(trackRequests).toHaveLength(2);
    for (const request of trackRequests) {
      expect(request).toMatchObject({ method: 'GET', path: `/api/track/v1/details/${PARCEL}` });
      expect(request.query).toEqual({ locale: 'en_US', returnSignature: 'false', returnMilestones: 'false', returnPOD: 'false' });
      expect(request.headers['transid']).toMatch(/^[0-9a-f]{32}$/);
      expect(request.headers['transactionsrc']).toBe('waybill-tests');
      expect(request.headers['authorization']).toMatch(/^Bearer .+/);
    }
    expect(trackRequests[0]!.headers['transid']).not.toBe(trackRequests[1]!.headers['transid']);
  });

  describe('token', () => {
    it('is fetched once and cached across calls, and shared by concurrent calls', async () => {
      await upsAdapter.track(ctx, [PARCEL]);
      await upsAdapter.track(ctx, [PARCEL]);
      await Promise.all([1, 2, 3, 4].map(() => upsAdapter.track(ctx, [PARCEL])));
      expect(emulator.state.requests).toEqual({ token: 1, track: 6, total: 7 });
    });

    it('is renewed a few minutes before it expires', async () => {
      await upsAdapter.track(ctx, [PARCEL]);
      clock.advance(54 * 60_000); // 6 minutes left: still good
      await upsAdapter.track(ctx, [PARCEL]);
      expect(emulator.state.tokensIssued).toBe(1);
      clock.advance(2 * 60_000); // 4 minutes left: renew before UPS refuses it
      const result = await upsAdapter.track(ctx, [PARCEL]);
      expect(result.ok).toBe(true);
      expect(emulator.state.tokensIssued).toBe(2);
      expect(emulator.state.requests.track).toBe(3);
    });

    it('is fetched again once when UPS answers 401, then the call succeeds', async () => {
      await upsAdapter.track(ctx, [PARCEL]);
      emulator.revokeTokens();
      const result = await upsAdapter.track(ctx, [PARCEL]);
      expect(result.ok).toBe(true);
      expect(emulator.state.tokensIssued).toBe(2);
      expect(emulator.state.requests.track).toBe(3); // 1, then 401 + retry
    });

    it('is not fetched in a loop: a second 401 is auth_failed with the carrier message', async () => {
      emulator.failNext({ status: 401, on: 'track', times: 2 });
      const result = await upsAdapter.track(ctx, [PARCEL]);
      expect(result).toEqual({
        ok: false,
        error: { code: 'auth_failed', message: 'UPS refused the credentials', retryable: false, carrierCode: '250002', carrierMessage: 'Invalid Authentication Information.' },
      });
      expect(emulator.state.requests).toEqual({ token: 2, track: 2, total: 4 });
    });
  });

  describe('errors', () => {
    it('wrong credentials → auth_failed with UPS’s own message', async () => {
      ctx.credentials = { clientId: emulator.clientId, clientSecret: 'wrong' };
      const result = await upsAdapter.track(ctx, [PARCEL]);
      expect(result).toMatchObject({ ok: false, error: { code: 'auth_failed', retryable: false, carrierCode: '10401', carrierMessage: 'ClientId is Invalid' } });
      expect(emulator.state.requests.track).toBe(0);
      expect(await upsAdapter.verifyCredentials!(ctx)).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
    });

    it('403 → auth_failed', async () => {
      emulator.failNext({ status: 403, on: 'track' });
      expect(await upsAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'auth_failed', carrierMessage: 'Blocked Merchant' } });
    });

    it('429 → rate_limited with Retry-After in seconds or as a date', async () => {
      emulator.failNext({ status: 429, retryAfter: 120, on: 'track' });
      expect(await upsAdapter.track(ctx, [PARCEL])).toMatchObject({
        ok: false,
        error: { code: 'rate_limited', retryable: true, retryAfterSeconds: 120, carrierMessage: 'Quota Limit Exceeded' },
      });
      emulator.failNext({ status: 429, retryAfter: new Date(clock.now().getTime() + 90_000).toUTCString(), on: 'track' });
      expect(await upsAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterSeconds: 90 } });
    });

    it('429 on the token endpoint → rate_limited too', async () => {
      emulator.failNext({ status: 429, retryAfter: 30, on: 'token' });
      expect(await upsAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterSeconds: 30 } });
    });

    it.each([500, 503])('%i → unavailable, retryable', async (status) => {
      emulator.failNext({ status, on: 'track' });
      expect(await upsAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    });

    it('400 → bad_request with UPS’s message', async () => {
      emulator.failNext({ status: 400, on: 'track' });
      expect(await upsAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'bad_request', retryable: false, carrierMessage: 'Request refused' } });
    });

    it('a slow answer → timeout, retryable', async () => {
      await upsAdapter.verifyCredentials!(ctx);
      emulator.setLatency(500);
      const result = await upsAdapter.track({ ...ctx, timeoutMs: 100 }, [PARCEL]);
      expect(result).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    });

    it('a malformed body → bad_response', async () => {
      emulator.malformedNext();
      expect(await upsAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'bad_response', retryable: false } });
    });

    it('nobody listening → unavailable, retryable', async () => {
      await emulator.close();
      expect(await upsAdapter.track(ctx, [PARCEL])).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    });

    it('incomplete credentials → auth_failed without calling UPS', async () => {
      expect(await upsAdapter.track({ ...ctx, credentials: { clientId: 'x' } }, [PARCEL])).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
      expect(emulator.state.requests.total).toBe(0);
    });
  });

  it('verifyCredentials fetches a token', async () => {
    expect(await upsAdapter.verifyCredentials!(ctx)).toEqual({ ok: true, value: undefined });
    expect(emulator.state.tokensIssued).toBe(1);
  });

  describe('the emulator holds UPS’s contract', () => {
    const token = async () => {
      const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64');
      const response = await fetch(`${emulator.url}/security/v1/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      return ((await response.json()) as { access_token: string; expires_in: string }).access_token;
    };

    it('refuses a JSON body where UPS wants a form', async () => {
      const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64');
      const response = await fetch(`${emulator.url}/security/v1/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ response: { errors: [{ code: '10400' }] } });
    });

    it('refuses a track request without transId or transactionSrc', async () => {
      const bearer = `Bearer ${await token()}`;
      const noTransId = await fetch(`${emulator.url}/api/track/v1/details/${PARCEL}`, { headers: { authorization: bearer, transactionSrc: 'x' } });
      expect(noTransId.status).toBe(400);
      expect(await noTransId.json()).toEqual({ response: { errors: [{ code: 'VSS002', message: 'Missing transId' }] } });
      const noSource = await fetch(`${emulator.url}/api/track/v1/details/${PARCEL}`, { headers: { authorization: bearer, transId: 'abc' } });
      expect(await noSource.json()).toEqual({ response: { errors: [{ code: 'VSS004', message: 'Missing transactionSrc' }] } });
    });

    it('refuses an unknown token and a token past its lifetime', async () => {
      const headers = { transId: 'a', transactionSrc: 'b' };
      const unknown = await fetch(`${emulator.url}/api/track/v1/details/${PARCEL}`, { headers: { ...headers, authorization: 'Bearer nope' } });
      expect(unknown.status).toBe(401);
      const issued = await token();
      clock.advance(3600_000);
      const expired = await fetch(`${emulator.url}/api/track/v1/details/${PARCEL}`, { headers: { ...headers, authorization: `Bearer ${issued}` } });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({ response: { errors: [{ code: '250002', message: 'Invalid Authentication Information.' }] } });
    });

    it('answers activity newest first with local and GMT times, like UPS', async () => {
      const response = await fetch(`${emulator.url}/api/track/v1/details/${PARCEL}`, { headers: { transId: 'a', transactionSrc: 'b', authorization: `Bearer ${await token()}` } });
      const body = (await response.json()) as { trackResponse: { shipment: Array<{ package: Array<{ activity: Array<Record<string, unknown>> }> }> } };
      const activity = body.trackResponse.shipment[0]!.package[0]!.activity;
      expect(activity[0]).toMatchObject({ date: '20260106', time: '091519', gmtDate: '20260106', gmtTime: '141519', gmtOffset: '-05:00' });
      expect(activity[2]).not.toHaveProperty('gmtDate'); // localTimeOnly
    });
  });
});
