import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dhlAdapter } from '../../src/carriers/dhl/index.js';
import { startDhlEmulator, type DhlEmulator, type DhlEmulatorShipment } from '../../src/carriers/dhl/emulator.js';
import type { CarrierContext } from '../../src/carriers/types.js';
import { manualClock } from '../../src/lib/clock.js';
import { carrierFixtures, testContext } from './helpers/carrier-tests.js';

const API_KEY = 'waybill-dhl-test-key';
const NUMBER = '00340434292135100124';

const fixture = carrierFixtures('dhl').json;

const JOURNEY: DhlEmulatorShipment = {
  origin: { countryCode: 'DE', postalCode: '53113', addressLocality: 'Bonn' },
  destination: { countryCode: 'DE', postalCode: '10117', addressLocality: 'Berlin' },
  estimatedTimeOfDelivery: '2024-07-03T00:00:00Z',
  events: [
    { statusCode: 'pre-transit', at: '2024-07-01T08:15:00Z', description: 'The instruction data for this shipment have been provided by the sender to DHL electronically' },
    { statusCode: 'transit', at: '2024-07-01T17:02:00Z', description: 'The shipment has been processed in the parcel center of origin', location: { countryCode: 'DE', addressLocality: 'Bonn' } },
    { statusCode: 'transit', at: '2024-07-02T05:48:00Z', status: 'OUT FOR DELIVERY', description: 'The shipment has been loaded onto the delivery vehicle', location: { countryCode: 'DE', addressLocality: 'Berlin' } },
  ],
};

let emulator: DhlEmulator;

beforeEach(async () => {
  emulator = await startDhlEmulator({ apiKey: API_KEY });
  emulator.addShipment(NUMBER, JOURNEY);
});

afterEach(async () => {
  await emulator.close();
});

function context(overrides: Partial<CarrierContext> = {}): CarrierContext {
  return testContext({ credentials: { apiKey: API_KEY }, baseUrl: emulator.url, clock: manualClock('2024-07-02T06:00:00Z'), ...overrides });
}

describe('DHL adapter over HTTP', () => {
  it('tracks a parcel with the DHL-API-Key header, one number per call, in English', async () => {
    const result = await dhlAdapter.track(context(), [NUMBER]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [track] = result.value;
    expect(track.found).toBe(true);
    if (!track.found) return;
    // The emulator prints local times without an offset, as DHL does; the adapter restores them.
    expect(track.events.map((e) => [e.status, e.occurredAt])).toEqual([
      ['info_received', '2024-07-01T10:15:00+02:00'],
      ['in_transit', '2024-07-01T19:02:00+02:00'],
      ['out_for_delivery', '2024-07-02T07:48:00+02:00'],
    ]);
    expect(track.estimatedDelivery).toEqual({ from: '2024-07-03T00:00:00+02:00', to: '2024-07-03T23:59:59+02:00' });

    const [request] = emulator.requests;
    expect(request).toMatchObject({ method: 'GET', path: '/track/shipments', query: { trackingNumber: NUMBER, language: 'en' }, status: 200 });
    expect(request.headers['dhl-api-key']).toBe(API_KEY);
    expect(emulator.counts).toEqual({ tracking: 1, total: 1 });
  });

  it('reads payloads that carry offsets the same way', async () => {
    await emulator.close();
    emulator = await startDhlEmulator({ apiKey: API_KEY, timestamps: 'offset' });
    emulator.addShipment(NUMBER, JOURNEY);
    const result = await dhlAdapter.track(context(), [NUMBER]);
    expect(result.ok && result.value[0].found && result.value[0].events.map((e) => e.occurredAt)).toEqual([
      '2024-07-01T10:15:00+02:00',
      '2024-07-01T19:02:00+02:00',
      '2024-07-02T07:48:00+02:00',
    ]);
  });

  it('sees new events as the journey moves on', async () => {
    await dhlAdapter.track(context(), [NUMBER]);
    emulator.addEvent(NUMBER, { statusCode: 'delivered', at: '2024-07-02T09:31:00Z', status: 'DELIVERED', description: 'The shipment has been successfully delivered', location: { countryCode: 'DE', postalCode: '10117', addressLocality: 'Berlin' } });
    const result = await dhlAdapter.track(context(), [NUMBER]);
    expect(result.ok && result.value[0].found && result.value[0].events.at(-1)).toMatchObject({ status: 'delivered', occurredAt: '2024-07-02T11:31:00+02:00' });
  });

  it('reports a wrong key as auth_failed with DHL’s own message', async () => {
    const result = await dhlAdapter.track(context({ credentials: { apiKey: 'not-the-key' } }), [NUMBER]);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'auth_failed', retryable: false, carrierCode: 'Unauthorized', carrierMessage: 'Unauthorized for given resource.' }),
    });
  });

  it('reports 403 as auth_failed', async () => {
    emulator.failNext({ status: 403 });
    expect(await dhlAdapter.track(context(), [NUMBER])).toMatchObject({ ok: false, error: { code: 'auth_failed', carrierMessage: expect.stringContaining('not subscribed') } });
  });

  it('reports 429 as rate_limited with Retry-After', async () => {
    emulator.failNext({ status: 429, retryAfter: 45 });
    const result = await dhlAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true, retryAfterSeconds: 45, carrierMessage: 'Too many requests. Please slow down.' } });
  });

  it('reports an exhausted daily quota as rate_limited', async () => {
    await emulator.close();
    emulator = await startDhlEmulator({ apiKey: API_KEY, dailyQuota: 2 });
    emulator.addShipment(NUMBER, JOURNEY);
    expect((await dhlAdapter.track(context(), [NUMBER])).ok).toBe(true);
    expect((await dhlAdapter.track(context(), [NUMBER])).ok).toBe(true);
    const third = await dhlAdapter.track(context(), [NUMBER]);
    expect(third).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true } });
    expect(third.ok || third.error.retryAfterSeconds).toBeUndefined();
    emulator.resetQuota();
    expect((await dhlAdapter.track(context(), [NUMBER])).ok).toBe(true);
  });

  it.each([500, 502, 503] as const)('reports %i as unavailable and retryable', async (status) => {
    emulator.failNext({ status, retryAfter: status === 503 ? 10 : undefined });
    const result = await dhlAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    if (!result.ok && status === 503) expect(result.error.retryAfterSeconds).toBe(10);
  });

  it('reports 400 as bad_request with DHL’s message', async () => {
    emulator.failNext({ status: 400 });
    expect(await dhlAdapter.track(context(), [NUMBER])).toMatchObject({
      ok: false,
      error: { code: 'bad_request', retryable: false, carrierMessage: 'The request could not be understood by the server.' },
    });
  });

  it('reports a slow answer as a retryable timeout', async () => {
    emulator.setLatency(500);
    expect(await dhlAdapter.track(context({ timeoutMs: 100 }), [NUMBER])).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
  });

  it('reports a truncated body as bad_response', async () => {
    emulator.malformedNext();
    expect(await dhlAdapter.track(context(), [NUMBER])).toMatchObject({ ok: false, error: { code: 'bad_response', retryable: false } });
    expect((await dhlAdapter.track(context(), [NUMBER])).ok).toBe(true);
  });

  it('reports an unreachable server as unavailable', async () => {
    await emulator.close();
    expect(await dhlAdapter.track(context(), [NUMBER])).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    emulator = await startDhlEmulator(); // for afterEach
  });

  it('answers found:false with DHL’s detail for an unknown number', async () => {
    expect(await dhlAdapter.track(context(), ['8264715546'])).toEqual({
      ok: true,
      value: [{ trackingNumber: '8264715546', found: false, message: 'No shipment with given tracking number found.' }],
    });
  });

  it('treats a 404 without DHL’s problem body as a bad response, not an unknown parcel', async () => {
    const result = await dhlAdapter.track(context({ baseUrl: `${emulator.url}/wrong-prefix` }), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_response' } });
  });

  it('serves a recorded fixture verbatim and parses it', async () => {
    emulator.setResponse(NUMBER, fixture('dhl_unified_response_reconstructed.json'));
    const result = await dhlAdapter.track(context(), [NUMBER]);
    expect(result.ok && result.value[0].found && result.value[0].events.map((e) => e.status)).toEqual(['info_received', 'in_transit', 'out_for_delivery', 'delivered']);
  });

  it('tracks several numbers one call each, keeping their order', async () => {
    const result = await dhlAdapter.track(context(), [NUMBER, '8264715546']);
    expect(result.ok && result.value.map((r) => [r.trackingNumber, r.found])).toEqual([
      [NUMBER, true],
      ['8264715546', false],
    ]);
    expect(emulator.counts.tracking).toBe(2);
  });

  it('verifies a key with one probe call: 404 means accepted, 401 refused', async () => {
    expect(await dhlAdapter.verifyCredentials(context())).toEqual({ ok: true, value: undefined });
    expect(await dhlAdapter.verifyCredentials(context({ credentials: { apiKey: 'nope' } }))).toMatchObject({
      ok: false,
      error: { code: 'auth_failed', carrierMessage: 'Unauthorized for given resource.' },
    });
    expect(emulator.counts.tracking).toBe(2);
  });

  it('refuses incomplete credentials before any request', async () => {
    expect(await dhlAdapter.track(context({ credentials: {} }), [NUMBER])).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
    expect(emulator.counts.total).toBe(0);
  });
});

describe('DHL emulator contract', () => {
  it('answers an unknown number with the 404 problem body of the reference fixture', async () => {
    const response = await fetch(`${emulator.url}/track/shipments?trackingNumber=8264715546`, { headers: { 'DHL-API-Key': API_KEY } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual(fixture('dhl_unified_404.json'));
  });

  it('refuses a request without trackingNumber, and one without a key', async () => {
    expect((await fetch(`${emulator.url}/track/shipments`, { headers: { 'DHL-API-Key': API_KEY } })).status).toBe(400);
    const noKey = await fetch(`${emulator.url}/track/shipments?trackingNumber=${NUMBER}`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ status: 401, title: 'Unauthorized', detail: 'Unauthorized for given resource.' });
  });

  it('builds payloads shaped like the reference fixture', async () => {
    const body = await (await fetch(`${emulator.url}/track/shipments?trackingNumber=${NUMBER}`, { headers: { 'DHL-API-Key': API_KEY } })).json();
    const reference = fixture('dhl_unified_response_reconstructed.json') as { shipments: Record<string, unknown>[] };
    expect(Object.keys(body.shipments[0]).sort()).toEqual(Object.keys(reference.shipments[0]).sort());
    expect(body.shipments[0].events[0]).toEqual({
      timestamp: '2024-07-02T07:48:00',
      location: { address: { countryCode: 'DE', addressLocality: 'Berlin' } },
      statusCode: 'transit',
      status: 'OUT FOR DELIVERY',
      description: 'The shipment has been loaded onto the delivery vehicle',
    });
  });
});
