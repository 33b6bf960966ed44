import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startUspsEmulator, type UspsEmulator, type UspsEmulatorEvent } from '../../src/carriers/usps/emulator.js';
import { uspsAdapter } from '../../src/carriers/usps/index.js';
import { memoryTokenCache, type CarrierContext, type TokenCache } from '../../src/carriers/types.js';
import { manualClock } from '../../src/lib/clock.js';
import { carrierFixtures, testContext } from './helpers/carrier-tests.js';

const CLIENT_ID = 'waybill-test-key';
const CLIENT_SECRET = 'waybill-test-secret';
const NUMBER = '9400109104250532908587';
const TOKEN_LIFETIME_SECONDS = 3600;

const { text: fixtureText, json: fixture } = carrierFixtures('usps');

const JOURNEY: UspsEmulatorEvent[] = [
  { code: 'GX', at: '2025-05-01T14:00:00Z', city: 'AUSTIN', state: 'TX', zip: '78701', utcOffset: '-05:00' },
  { code: '03', at: '2025-05-01T22:10:00Z', city: 'AUSTIN', state: 'TX', zip: '78701', utcOffset: '-05:00' },
  { code: 'OF', at: '2025-05-03T12:05:00Z', city: 'DENVER', state: 'CO', zip: '80202', utcOffset: '-06:00' },
];

let emulator: UspsEmulator;
let clock: ReturnType<typeof manualClock>;
let tokenCache: TokenCache;

beforeEach(async () => {
  emulator = await startUspsEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS });
  emulator.addShipment(NUMBER, { events: JOURNEY, destination: { city: 'DENVER', state: 'CO', zip: '80202' } });
  clock = manualClock('2025-05-03T13:00:00Z');
  tokenCache = memoryTokenCache();
});

afterEach(async () => {
  await emulator.close();
});

function context(overrides: Partial<CarrierContext> = {}): CarrierContext {
  return testContext({ credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, baseUrl: emulator.url, clock, tokenCache, ...overrides });
}

describe('USPS adapter over HTTP', () => {
  it('tracks a parcel: OAuth form request, then GET with expand=DETAIL and the bearer token', async () => {
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [track] = result.value;
    expect(track.found).toBe(true);
    if (!track.found) return;
    expect(track.events.map((e) => [e.carrierCode, e.status, e.occurredAt])).toEqual([
      ['GX', 'info_received', '2025-05-01T09:00:00-05:00'],
      ['03', 'in_transit', '2025-05-01T17:10:00-05:00'],
      ['OF', 'out_for_delivery', '2025-05-03T06:05:00-06:00'],
    ]);

    // The token request is the documented one (fixtures/usps_oauth_token_request.txt), field for field.
    const [requestLine, contentTypeLine, , documentedBody] = fixtureText('usps_oauth_token_request.txt').split(/\r?\n/);
    const [tokenRequest, trackingRequest] = emulator.requests;
    expect(`${tokenRequest.method} ${new URL(requestLine.split(' ')[1]).pathname}`).toBe(`POST ${tokenRequest.path}`);
    expect(requestLine.startsWith('POST ')).toBe(true);
    expect(`Content-Type: ${tokenRequest.headers['content-type']}`).toBe(contentTypeLine);
    expect([...new URLSearchParams(tokenRequest.body).keys()]).toEqual([...new URLSearchParams(documentedBody).keys()]);
    expect(tokenRequest.status).toBe(200);
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: 'tracking',
    });
    expect(trackingRequest).toMatchObject({ method: 'GET', path: `/tracking/v3/tracking/${NUMBER}`, query: { expand: 'DETAIL' }, status: 200 });
    expect(trackingRequest.headers.authorization).toMatch(/^Bearer \S+$/);
  });

  it('fetches the token once and reuses it across calls', async () => {
    for (let i = 0; i < 3; i++) expect((await uspsAdapter.track(context(), [NUMBER])).ok).toBe(true);
    expect(emulator.counts).toMatchObject({ token: 1, tracking: 3 });
  });

  it('keys the token per account', async () => {
    await uspsAdapter.track(context(), [NUMBER]);
    const other = await uspsAdapter.track(context({ credentials: { clientId: 'someone-else', clientSecret: 'x' } }), [NUMBER]);
    expect(other).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
    expect(emulator.counts.token).toBe(2);
  });

  it('shares one token request between concurrent calls', async () => {
    const results = await Promise.all([1, 2, 3].map(() => uspsAdapter.track(context(), [NUMBER])));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(emulator.counts).toMatchObject({ token: 1, tracking: 3 });
  });

  it('refreshes the token a few minutes before it expires, not earlier', async () => {
    await uspsAdapter.track(context(), [NUMBER]);
    clock.advance((TOKEN_LIFETIME_SECONDS - 6 * 60) * 1000);
    await uspsAdapter.track(context(), [NUMBER]);
    expect(emulator.counts.token).toBe(1);
    clock.advance(2 * 60 * 1000); // now 4 minutes before expiry
    await uspsAdapter.track(context(), [NUMBER]);
    expect(emulator.counts).toMatchObject({ token: 2, tracking: 3 });
  });

  it('fetches a new token once when USPS answers 401, then succeeds', async () => {
    await uspsAdapter.track(context(), [NUMBER]);
    emulator.revokeTokens();
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result.ok).toBe(true);
    expect(emulator.counts).toMatchObject({ token: 2, tracking: 3 });
    expect(emulator.requests.map((r) => r.status)).toEqual([200, 200, 401, 200, 200]);
  });

  it('gives up with auth_failed when the fresh token is refused too', async () => {
    emulator.failNext({ status: 401, times: 2 });
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'auth_failed', retryable: false, carrierCode: 'UNAUTHORIZED', carrierMessage: 'The access token is missing, invalid or expired.' }),
    });
    expect(emulator.counts).toMatchObject({ token: 2, tracking: 2 });
  });

  it('reports wrong credentials as auth_failed with USPS’s own words, without tracking', async () => {
    const result = await uspsAdapter.track(context({ credentials: { clientId: CLIENT_ID, clientSecret: 'wrong' } }), [NUMBER]);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'auth_failed', retryable: false, carrierCode: 'invalid_client', carrierMessage: 'Client authentication failed.' }),
    });
    expect(emulator.counts).toMatchObject({ token: 1, tracking: 0 });
    // Nothing was cached from the refusal: the right secret gets its own token.
    expect((await uspsAdapter.track(context(), [NUMBER])).ok).toBe(true);
    expect(emulator.counts).toMatchObject({ token: 2, tracking: 1 });
  });

  it('reports 403 (number not covered by this account) as auth_failed with the message', async () => {
    emulator.failNext({ status: 403 });
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'auth_failed', carrierMessage: expect.stringContaining('Mailer ID') } });
  });

  it('reports 429 as rate_limited with Retry-After', async () => {
    emulator.failNext({ status: 429, retryAfter: 30 });
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true, retryAfterSeconds: 30 } });
  });

  it('reports 429 on the token endpoint as rate_limited too', async () => {
    emulator.failNext({ status: 429, retryAfter: 120, route: 'token' });
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'rate_limited', retryable: true, retryAfterSeconds: 120, carrierCode: 'rate_limit_exceeded' } });
    expect(emulator.counts.tracking).toBe(0);
  });

  it.each([500, 502, 503] as const)('reports %i as unavailable and retryable', async (status) => {
    emulator.failNext({ status, retryAfter: status === 503 ? 60 : undefined });
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    if (!result.ok && status === 503) expect(result.error.retryAfterSeconds).toBe(60);
  });

  it('reports 400 as bad_request with USPS’s message', async () => {
    emulator.failNext({ status: 400 });
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request', retryable: false, carrierMessage: 'The request could not be understood by the server.' } });
  });

  it('reports a slow answer as a retryable timeout', async () => {
    await uspsAdapter.track(context(), [NUMBER]); // token cached
    emulator.setLatency(500);
    const result = await uspsAdapter.track(context({ timeoutMs: 100 }), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
  });

  it('reports a truncated body as bad_response', async () => {
    emulator.malformedNext();
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_response', retryable: false } });
    expect((await uspsAdapter.track(context(), [NUMBER])).ok).toBe(true);
  });

  it('reports an unreachable server as unavailable', async () => {
    await emulator.close();
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    emulator = await startUspsEmulator(); // for afterEach
  });

  it('answers found:false for a number USPS does not know', async () => {
    const result = await uspsAdapter.track(context(), ['9400100000000000000000']);
    expect(result).toEqual({
      ok: true,
      value: [{ trackingNumber: '9400100000000000000000', found: false, message: 'The tracking number may be incorrect or the status update is not yet available.' }],
    });
  });

  it('serves a recorded fixture verbatim and parses it', async () => {
    emulator.setResponse(NUMBER, fixture('usps_v3_tracking_detail_delivered.json'));
    const result = await uspsAdapter.track(context(), [NUMBER]);
    expect(result.ok && result.value[0].found && result.value[0].events.at(-1)?.status).toBe('delivered');
  });

  it('tracks several numbers one call each, keeping their order', async () => {
    emulator.addShipment('9400100000000000000001', [{ code: '01', at: '2025-05-02T18:00:00Z', city: 'MIAMI', state: 'FL', zip: '33101' }]);
    const result = await uspsAdapter.track(context(), [NUMBER, '9400100000000000000001', '9400100000000000000002']);
    expect(result.ok && result.value.map((r) => [r.trackingNumber, r.found])).toEqual([
      [NUMBER, true],
      ['9400100000000000000001', true],
      ['9400100000000000000002', false],
    ]);
    expect(emulator.counts).toMatchObject({ token: 1, tracking: 3 });
  });

  it('verifies credentials by fetching a token, and keeps it', async () => {
    expect(await uspsAdapter.verifyCredentials(context())).toEqual({ ok: true, value: undefined });
    await uspsAdapter.track(context(), [NUMBER]);
    expect(emulator.counts).toMatchObject({ token: 1, tracking: 1 });
    const refused = await uspsAdapter.verifyCredentials(context({ credentials: { clientId: 'nobody', clientSecret: 'nothing' } }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'auth_failed', carrierMessage: 'Client authentication failed.' } });
  });

  it('refuses incomplete credentials before any request', async () => {
    const result = await uspsAdapter.track(context({ credentials: { clientId: '' } }), [NUMBER]);
    expect(result).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
    expect(emulator.counts.total).toBe(0);
  });
});

describe('USPS emulator contract', () => {
  it('refuses a JSON token request with USPS’s OAuth error body', async () => {
    const response = await fetch(`${emulator.url}/oauth2/v3/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    const reference = fixture('usps_oauth_error.json') as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(reference).sort());
    expect(body.error).toBe('invalid_request');
  });

  it('answers the SUMMARY form when expand is left out, and 400 for an unknown expand', async () => {
    const token = await (await fetch(`${emulator.url}/oauth2/v3/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) })).json();
    const headers = { authorization: `Bearer ${token.access_token}` };
    const summary = await (await fetch(`${emulator.url}/tracking/v3/tracking/${NUMBER}`, { headers })).json();
    expect(summary.eventSummaries).toEqual([
      'Out for Delivery, 05/03/2025, 6:05 am, DENVER, CO 80202',
      'USPS in possession of item, 05/01/2025, 5:10 pm, AUSTIN, TX 78701',
      'Shipping Label Created, USPS Awaiting Item, 05/01/2025, 9:00 am, AUSTIN, TX 78701',
    ]);
    const bad = await fetch(`${emulator.url}/tracking/v3/tracking/${NUMBER}?expand=EVERYTHING`, { headers });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.errors[0].source.parameter).toBe('expand');
  });

  it('builds DETAIL payloads shaped like the recorded fixture', async () => {
    const token = await (await fetch(`${emulator.url}/oauth2/v3/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) })).json();
    const detail = await (await fetch(`${emulator.url}/tracking/v3/tracking/${NUMBER}?expand=DETAIL`, { headers: { authorization: `Bearer ${token.access_token}` } })).json();
    const reference = fixture('usps_v3_tracking_detail_delivered.json') as { trackingEvents: Record<string, unknown>[] };
    for (const key of ['trackingNumber', 'mailClass', 'status', 'statusCategory', 'statusSummary', 'trackingEvents']) expect(detail).toHaveProperty(key);
    expect(Object.keys(detail.trackingEvents[0]).sort()).toEqual(Object.keys(reference.trackingEvents[0]).filter((k) => k !== 'additionalProp').sort());
    expect(detail.trackingEvents[0]).toMatchObject({ eventCode: 'OF', eventTimestamp: '2025-05-03T06:05:00', GMTTimestamp: '2025-05-03T12:05:00Z', GMTOffset: '-06:00' });
    expect(detail.statusCategory).toBe('Out for Delivery');
  });
});
