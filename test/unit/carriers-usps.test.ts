import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonBody, parseUspsTracking } from '../../src/carriers/usps/parse.js';
import { mapUspsEventCode, mapUspsEventText, mapUspsStatusCategory, USPS_EVENT_CODES } from '../../src/carriers/usps/status-codes.js';
import { AFTERSHIP_STATUS, EXCEPTION_REASONS } from '../../src/shipments/vocabulary.js';
import { carrierFixtures, expectTyped, foundResult, itStaysTypedOnDamaged } from './helpers/carrier-tests.js';

const fixtures = carrierFixtures('usps');
const fixture = fixtures.json;

const TRACKING_FIXTURES = [
  'usps_v3_tracking_detail_delivered.json',
  'usps_v3_tracking_detail_returned_reconstructed.json',
  'usps_v3_tracking_detail_quirks_reconstructed.json',
  'usps_v3_error.json',
];

type ReferenceCode = { code: string; description: string; normalized: string };
const reference = fixture('usps_event_codes_reference.json') as {
  eventCodes: ReferenceCode[];
  statusCategories: { confirmed: string[]; expectedNotConfirmed: string[] };
};

describe('USPS status codes', () => {
  it.each(reference.eventCodes)('maps reference code $code ($normalized)', ({ code, normalized }) => {
    const mapping = mapUspsEventCode(code);
    expect(mapping, `no mapping for ${code}`).toBeDefined();
    const [group, flag] = normalized.split('+');
    expect(mapping!.status).toBe(AFTERSHIP_STATUS[group]);
    expect(mapping!.delayed ?? false).toBe(flag === 'isDelayed');
  });

  it('maps no code the reference does not list', () => {
    const listed = new Set(reference.eventCodes.map((entry) => entry.code));
    expect(Object.keys(USPS_EVENT_CODES).filter((code) => !listed.has(code))).toEqual([]);
  });

  it('gives every exception and failed attempt a reason from the closed list', () => {
    for (const [code, mapping] of Object.entries(USPS_EVENT_CODES)) {
      const entry = mapping as { status: string; reason?: string };
      if (entry.status === 'exception' || entry.status === 'attempt_failed') {
        expect(EXCEPTION_REASONS, `code ${code}`).toContain(entry.reason);
      }
    }
  });

  it('reads codes case- and space-insensitively and leaves unknown codes unmapped', () => {
    expect(mapUspsEventCode(' of ')).toEqual({ status: 'out_for_delivery' });
    expect(mapUspsEventCode('ZZ')).toBeUndefined();
  });

  it.each([...reference.statusCategories.confirmed, ...reference.statusCategories.expectedNotConfirmed])('maps statusCategory "%s"', (category) => {
    expect(mapUspsStatusCategory(category)).toBeDefined();
  });

  it('maps statusCategory values as USPS words them, in any case', () => {
    expect(mapUspsStatusCategory('Delivered')).toEqual({ status: 'delivered' });
    expect(mapUspsStatusCategory('IN TRANSIT')).toEqual({ status: 'in_transit' });
    expect(mapUspsStatusCategory('pre_shipment')).toEqual({ status: 'info_received' });
    expect(mapUspsStatusCategory('Something New')).toBeUndefined();
  });

  it('falls back to USPS wording for codes it does not know', () => {
    expect(mapUspsEventText('Delivered, Front Door/Porch')).toEqual({ status: 'delivered' });
    expect(mapUspsEventText('In Transit, Arriving Late')).toEqual({ status: 'in_transit', delayed: true, reason: 'carrier_delay' });
    expect(mapUspsEventText('Moving Through Network')).toBeUndefined();
  });
});

describe('parseUspsTracking', () => {
  it('reads the delivered fixture: every scan in time order, in its local offset', () => {
    const track = foundResult(parseUspsTracking('9400109104250532908587', fixture('usps_v3_tracking_detail_delivered.json')));
    expect(track.events.map((e) => [e.carrierCode, e.status, e.occurredAt])).toEqual([
      ['GX', 'info_received', '2024-11-15T11:32:33-05:00'],
      ['03', 'in_transit', '2024-11-18T11:10:31-05:00'],
      ['SF', 'in_transit', '2024-11-18T17:01:35-05:00'],
      ['10', 'in_transit', '2024-11-18T18:02:52-05:00'],
      ['T1', 'in_transit', '2024-11-19T06:16:41-05:00'],
      ['TL', 'in_transit', '2024-11-20T01:11:52-05:00'],
      ['A1', 'in_transit', '2024-11-20T01:13:31-05:00'],
      ['07', 'in_transit', '2024-11-22T08:59:45-05:00'],
      ['OF', 'out_for_delivery', '2024-11-22T09:10:45-05:00'],
      ['01', 'delivered', '2024-11-22T13:58:40-05:00'],
    ]);
    expect(track.service).toBe('USPS Ground Advantage');
    expect(track.estimatedDelivery).toBeNull();
  });

  it('keeps the carrier text, and reads locations including plant names', () => {
    const track = foundResult(parseUspsTracking('9400109104250532908587', fixture('usps_v3_tracking_detail_delivered.json')));
    const byCode = Object.fromEntries(track.events.map((e) => [e.carrierCode, e]));
    expect(byCode['01']).toMatchObject({
      carrierText: 'Delivered, Parcel Locker',
      reason: null,
      delayed: false,
      location: { city: 'HERNANDO', region: 'FL', postalCode: '34442', country: 'US' },
    });
    expect(byCode.A1.location).toEqual({ city: 'JACKSONVILLE', region: 'FL', postalCode: null, country: 'US' });
    expect(byCode['10'].location).toEqual({ city: 'QUEENS', region: 'NY', postalCode: null, country: 'US' });
    expect(byCode.TL.location).toBeNull();
  });

  it('gives each scan a stable dedupe key from its code and UTC time', () => {
    const body = fixture('usps_v3_tracking_detail_delivered.json');
    const first = foundResult(parseUspsTracking('9400109104250532908587', body));
    const again = foundResult(parseUspsTracking('9400109104250532908587', structuredClone(body)));
    expect(first.events.at(-1)!.dedupeKey).toBe('usps:01:2024-11-22T18:58:40.000Z');
    expect(new Set(first.events.map((e) => e.dedupeKey)).size).toBe(first.events.length);
    expect(again.events.map((e) => e.dedupeKey)).toEqual(first.events.map((e) => e.dedupeKey));
  });

  it('orders by time even when USPS lists scans out of order', () => {
    const body = fixture('usps_v3_tracking_detail_delivered.json') as { trackingEvents: unknown[] };
    const shuffled = { ...body, trackingEvents: [...body.trackingEvents].reverse() };
    const track = foundResult(parseUspsTracking('9400109104250532908587', shuffled));
    expect(track.events.at(-1)!.status).toBe('delivered');
    expect(track.events[0].status).toBe('info_received');
  });

  it('reads a failed delivery, a return and the delivery back to the shipper as `returned`', () => {
    const track = foundResult(parseUspsTracking('9400111899223344556677', fixture('usps_v3_tracking_detail_returned_reconstructed.json')));
    expect(track.events.map((e) => [e.carrierCode, e.status, e.reason, e.occurredAt])).toEqual([
      ['GX', 'info_received', null, '2025-02-27T09:12:55-08:00'],
      ['03', 'in_transit', null, '2025-02-27T16:40:18-08:00'],
      ['OF', 'out_for_delivery', null, '2025-03-03T07:45:02-05:00'],
      ['52', 'attempt_failed', 'recipient_unavailable', '2025-03-03T13:20:10-05:00'],
      ['16', 'available_for_pickup', null, '2025-03-04T10:00:33-05:00'],
      ['27', 'returning_to_sender', 'recipient_unavailable', '2025-03-17T08:30:40-04:00'],
      ['09', 'returning_to_sender', null, '2025-03-18T14:12:05-04:00'],
      ['01', 'returned', null, '2025-03-20T10:05:12-07:00'],
    ]);
  });

  it('treats a delivery worded "To Original Sender" as returned even without a return scan', () => {
    const body = fixture('usps_v3_tracking_detail_returned_reconstructed.json') as { trackingEvents: unknown[] };
    const onlyDelivery = { ...body, trackingEvents: body.trackingEvents.slice(0, 1) };
    expect(foundResult(parseUspsTracking('9400111899223344556677', onlyDelivery)).events[0].status).toBe('returned');
  });

  it('handles unknown codes, missing codes, delays, short offsets and missing times', () => {
    const track = foundResult(parseUspsTracking('9505512345678901234567', fixture('usps_v3_tracking_detail_quirks_reconstructed.json')));
    // One scan has no time at all, so USPS's own (newest-first) order is kept, reversed.
    expect(track.events.map((e) => [e.carrierCode, e.status, e.reason, e.delayed, e.occurredAt])).toEqual([
      ['80', 'in_transit', null, false, '2025-06-09T15:05:11-05:00'],
      ['10', 'in_transit', null, false, null], // local time, no offset: stored, never folded
      [null, 'in_transit', 'carrier_delay', true, '2025-06-11T08:00:00-05:00'], // "-5:00" offset, wording rule
      ['71', 'in_transit', 'carrier_delay', true, '2025-06-11T18:30:00-05:00'],
      ['ZZ', 'exception', 'other', false, '2025-06-12T10:00:00-05:00'], // unknown code: statusCategory "Alert"
    ]);
    expect(track.events[0].location).toEqual({ city: 'ELK GROVE VILLAGE', region: 'IL', postalCode: '60007', country: 'US' });
    expect(track.events[1].location).toEqual({ city: 'CHICAGO', region: 'IL', postalCode: null, country: 'US' });
    expect(track.events[0].dedupeKey).toBe('usps:80:2025-06-09T20:05:11.000Z');
    expect(track.events[2].dedupeKey).toBeNull();
    expect(track.service).toBe('Priority Mail 2-Day');
    expect(track.estimatedDelivery).toEqual({ from: '2025-06-13T10:00:00-05:00', to: '2025-06-13T14:00:00-05:00' });
  });

  it('reads expectedDeliveryTimeStamp as a whole day, or as "by" a time', () => {
    const body = fixture('usps_v3_tracking_detail_delivered.json') as Record<string, unknown>;
    const dayOnly = foundResult(parseUspsTracking('x', { ...body, expectedDeliveryTimeStamp: '2024-11-23T00:00:00' }));
    expect(dayOnly.estimatedDelivery).toEqual({ from: '2024-11-23T00:00:00-05:00', to: '2024-11-23T23:59:59-05:00' });
    const byNine = foundResult(parseUspsTracking('x', { ...body, expectedDeliveryTimeStamp: '2024-11-23T21:00:00' }));
    expect(byNine.estimatedDelivery).toEqual({ from: '2024-11-23T00:00:00-05:00', to: '2024-11-23T21:00:00-05:00' });
    const predicted = foundResult(parseUspsTracking('x', { ...body, predictedDeliveryDate: '2024-11-23', predictedDeliveryWindowStartTime: '9:00 am', predictedDeliveryWindowEndTime: '1:30 pm' }));
    expect(predicted.estimatedDelivery).toEqual({ from: '2024-11-23T09:00:00-05:00', to: '2024-11-23T13:30:00-05:00' });
  });

  it('answers found:false with USPS’s message for the not-found error body', () => {
    const result = parseUspsTracking('9400109104250532908587', fixture('usps_v3_error.json'));
    expect(result).toEqual({
      ok: true,
      value: [{ trackingNumber: '9400109104250532908587', found: false, message: 'The tracking number may be incorrect or the status update is not yet available.' }],
    });
  });

  it('reports any other USPS error body as a bad response carrying USPS’s words', () => {
    const body = { apiVersion: '3.2.6', error: { code: '400', message: 'Bad Request', errors: [{ status: '400', code: 'INVALID_TRACKING_NUMBER', title: 'Invalid', detail: 'The tracking number is not valid.' }] } };
    expect(parseUspsTracking('x', body)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'bad_response', carrierCode: 'INVALID_TRACKING_NUMBER', carrierMessage: 'The tracking number is not valid.' }),
    });
  });

  it('accepts a parcel with no events yet', () => {
    expect(foundResult(parseUspsTracking('x', { trackingNumber: 'x' })).events).toEqual([]);
  });

  it.each([null, [], 'text', 42, {}, { trackingNumber: 5 }, { trackingNumber: 'x', trackingEvents: 'none' }, { trackingNumber: 'x', trackingEvents: [{ eventCode: 1 }] }])(
    'returns bad_response for %j',
    (body) => {
      const result = parseUspsTracking('x', body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ code: 'bad_response', retryable: false });
    },
  );

  it('turns a body that is not JSON into bad_response', () => {
    expect(decodeJsonBody('{"trackingNumber": "94')).toMatchObject({ ok: false, error: { code: 'bad_response' } });
    expect(decodeJsonBody('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});

describe('parseUspsTracking never throws', () => {
  const NUMBER = '9400109104250532908587';
  const parse = (body: unknown) => parseUspsTracking(NUMBER, body);

  it('on random JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (body) => expectTyped(parse(body), NUMBER)), { numRuns: 500 });
  });

  itStaysTypedOnDamaged(TRACKING_FIXTURES, NUMBER, {
    fixtures,
    parseText: (text) => {
      const body = decodeJsonBody(text);
      return body.ok ? parse(body.value) : body;
    },
    parseBody: parse,
  });
});
