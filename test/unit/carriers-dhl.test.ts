import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonBody, parseDhlTracking } from '../../src/carriers/dhl/parse.js';
import { DHL_STATUS_CODES, DHL_TEXT_REFINEMENTS, mapDhlStatus } from '../../src/carriers/dhl/status-codes.js';
import { AFTERSHIP_STATUS, EXCEPTION_REASONS } from '../../src/shipments/vocabulary.js';
import { carrierFixtures, expectTyped, foundResult, itStaysTypedOnDamaged } from './helpers/carrier-tests.js';

const fixtures = carrierFixtures('dhl');
const fixture = fixtures.json;

const TRACKING_FIXTURES = ['dhl_unified_response_reconstructed.json', 'dhl_unified_express_return_reconstructed.json', 'dhl_unified_404.json'];

const reference = fixture('dhl_status_codes_reference.json') as {
  statusCodes: { statusCode: string; normalized: string }[];
  refinements: { statusCode: string; pattern: string; normalized: string }[];
};

/** Reference group ("InTransit+isDelayed") → what our mapping must say. */
function expectedFor(normalized: string): { status: string; delayed: boolean } {
  const [group, flag] = normalized.split('+');
  return { status: AFTERSHIP_STATUS[group], delayed: flag === 'isDelayed' };
}

describe('DHL status codes', () => {
  it.each(reference.statusCodes)('maps reference statusCode $statusCode ($normalized)', ({ statusCode, normalized }) => {
    expect(Object.keys(DHL_STATUS_CODES)).toContain(statusCode);
    const mapping = mapDhlStatus(statusCode, 'no refining words here');
    expect({ status: mapping.status, delayed: mapping.delayed ?? false }).toEqual(expectedFor(normalized));
  });

  it('maps no statusCode the reference does not list', () => {
    expect(Object.keys(DHL_STATUS_CODES).sort()).toEqual(reference.statusCodes.map((c) => c.statusCode).sort());
  });

  // Texts that match each reference refinement pattern, as DHL words them in English.
  const refinementExamples: Record<string, string[]> = {
    'out for delivery|loaded onto the delivery vehicle': ['OUT FOR DELIVERY', 'The shipment has been loaded onto the delivery vehicle'],
    'available for pick-?up|ready for (pick-?up|collection)|Packstation|parcel shop|retail outlet': [
      'The shipment is available for pickup',
      'The shipment is ready for collection at the parcel shop',
      'The shipment has been delivered to the Packstation',
      'The shipment will be transported to the retail outlet',
    ],
    'return(ed)? to sender|being returned': ['The shipment is being returned', 'Returned to sender'],
    delay: ['Delivery delayed due to high volumes'],
    'attempt|could not be delivered|notification card|not at home': [
      'The shipment could not be delivered',
      'Delivery attempt unsuccessful',
      'Recipient not at home. A notification card was left.',
    ],
    return: ['Return of the shipment has been initiated'],
  };

  it.each(reference.refinements)('refines $statusCode on /$pattern/ to $normalized', ({ statusCode, pattern, normalized }) => {
    const examples = refinementExamples[pattern];
    expect(examples, `no example text for /${pattern}/`).toBeDefined();
    for (const text of examples) {
      expect(new RegExp(pattern, 'i').test(text), `example "${text}" does not match the reference pattern`).toBe(true);
      const mapping = mapDhlStatus(statusCode, text);
      expect({ status: mapping.status, delayed: mapping.delayed ?? false }, text).toEqual(expectedFor(normalized));
    }
  });

  it('finds reasons in failure wording', () => {
    expect(mapDhlStatus('failure', 'The address is incomplete')).toMatchObject({ status: 'exception', reason: 'address_problem' });
    expect(mapDhlStatus('failure', 'The recipient refused to accept the shipment')).toMatchObject({ status: 'exception', reason: 'recipient_refused' });
    expect(mapDhlStatus('failure', 'Held at customs')).toMatchObject({ status: 'exception', reason: 'customs_hold' });
    expect(mapDhlStatus('failure', 'Import duties must be paid')).toMatchObject({ status: 'exception', reason: 'held_for_payment' });
    expect(mapDhlStatus('failure', 'The recipient was not at home')).toMatchObject({ status: 'attempt_failed', reason: 'recipient_unavailable' });
    expect(mapDhlStatus('failure', 'Could not be delivered; being returned to sender')).toMatchObject({ status: 'returning_to_sender' });
    expect(mapDhlStatus('failure', 'Something went wrong')).toMatchObject({ status: 'exception', reason: 'other' });
    expect(mapDhlStatus('transit', 'Delayed by severe weather')).toMatchObject({ status: 'in_transit', delayed: true, reason: 'weather' });
  });

  it('reads an unlisted or missing statusCode as unknown', () => {
    expect(mapDhlStatus('teleported', 'x')).toMatchObject({ statusCode: 'unknown', status: 'pending' });
    expect(mapDhlStatus(null, 'x')).toMatchObject({ statusCode: 'unknown' });
    expect(mapDhlStatus('DELIVERED', 'x')).toMatchObject({ statusCode: 'delivered', status: 'delivered' });
  });

  it('gives every exception and failed attempt a reason from the closed list', () => {
    const mappings = [...Object.values(DHL_STATUS_CODES), ...DHL_TEXT_REFINEMENTS.map((rule) => rule.mapping)] as { status: string; reason?: string }[];
    for (const mapping of mappings) {
      if (mapping.status === 'exception' || mapping.status === 'attempt_failed') expect(EXCEPTION_REASONS).toContain(mapping.reason);
    }
  });
});

describe('parseDhlTracking', () => {
  it('reads the parcel-de fixture: offset-less local times placed in Germany’s zone', () => {
    const track = foundResult(parseDhlTracking('00340434292135100124', fixture('dhl_unified_response_reconstructed.json')));
    expect(track.events.map((e) => [e.carrierCode, e.status, e.occurredAt, e.location])).toEqual([
      ['pre-transit', 'info_received', '2024-03-04T09:15:00+01:00', null],
      ['transit', 'in_transit', '2024-03-04T19:02:00+01:00', { city: 'Bonn', postalCode: null, country: 'DE' }],
      ['transit', 'out_for_delivery', '2024-03-05T07:48:00+01:00', { city: 'Berlin', postalCode: null, country: 'DE' }],
      ['delivered', 'delivered', '2024-03-05T10:31:00+01:00', { city: 'Berlin', postalCode: '10117', country: 'DE' }],
    ]);
    expect(track.events[0].carrierText).toBe('The instruction data for this shipment have been provided by the sender to DHL electronically');
    expect(track.events.every((e) => e.dedupeKey === null && e.reason === null && e.delayed === false)).toBe(true);
    expect(track.service).toBe('DHL PAKET');
    // A midnight ETA is a date: the whole day where the parcel is going.
    expect(track.estimatedDelivery).toEqual({ from: '2024-03-05T00:00:00+01:00', to: '2024-03-05T23:59:59+01:00' });
  });

  it('reads the express return fixture: picks our shipment, mixes offsets, carries unknown, ends `returned`', () => {
    const track = foundResult(parseDhlTracking('1234567890', fixture('dhl_unified_express_return_reconstructed.json')));
    expect(track.events.map((e) => [e.carrierCode, e.status, e.reason, e.delayed, e.occurredAt])).toEqual([
      ['pre-transit', 'info_received', null, false, '2024-09-24T10:00:00-04:00'], // no location: origin (US)
      ['transit', 'in_transit', null, false, '2024-09-24T18:05:00-04:00'],
      ['transit', 'in_transit', 'carrier_delay', true, '2024-09-26T14:30:00+02:00'],
      ['unknown', 'in_transit', null, false, '2024-09-26T22:00:00+02:00'], // keeps the previous status
      ['transit', 'out_for_delivery', null, false, '2024-09-27T07:10:00+02:00'],
      ['failure', 'attempt_failed', 'recipient_unavailable', false, '2024-09-27T16:45:00+02:00'],
      ['transit', 'returning_to_sender', null, false, '2024-09-28T09:00:00+02:00'],
      ['delivered', 'returned', null, false, '2024-10-02T11:20:00-04:00'],
    ]);
    expect(track.service).toBe('EXPRESS WORLDWIDE');
    expect(track.estimatedDelivery).toEqual({ from: '2024-09-27T09:00:00+02:00', to: '2024-09-27T13:00:00+02:00' });
  });

  it('falls back to the first shipment, or to one listing our number as a piece', () => {
    const body = fixture('dhl_unified_express_return_reconstructed.json');
    expect(foundResult(parseDhlTracking('JD014600003185771234', body)).service).toBe('EXPRESS WORLDWIDE');
    expect(foundResult(parseDhlTracking('NOT-LISTED', body)).events).toHaveLength(1);
  });

  it('marks a delivery as returned when DHL sets returnFlag', () => {
    const body = { shipments: [{ id: 'X1', returnFlag: true, events: [{ timestamp: '2024-05-01T10:00:00+02:00', statusCode: 'delivered', description: 'Delivered' }] }] };
    expect(foundResult(parseDhlTracking('X1', body)).events[0].status).toBe('returned');
  });

  it('uses the shipment status as the only event when DHL sends no events', () => {
    const body = { shipments: [{ id: 'X2', status: { timestamp: '2024-05-01T10:00:00Z', statusCode: 'transit', description: 'In transit' } }] };
    expect(foundResult(parseDhlTracking('X2', body)).events).toEqual([
      { status: 'in_transit', reason: null, delayed: false, occurredAt: '2024-05-01T10:00:00Z', location: null, carrierCode: 'transit', carrierText: 'In transit', dedupeKey: null },
    ]);
  });

  it('leaves occurredAt null when an offset-less time cannot be placed in a zone', () => {
    const body = { shipments: [{ id: 'X3', events: [{ timestamp: '2024-05-01T10:00:00', statusCode: 'transit', description: 'Processed', location: { address: { countryCode: 'AQ' } } }] }] };
    const [event] = foundResult(parseDhlTracking('X3', body)).events;
    expect(event.occurredAt).toBeNull();
    expect(event.location).toEqual({ city: null, postalCode: null, country: 'AQ' });
  });

  it('answers found:false with DHL’s detail for the 404 problem body', () => {
    expect(parseDhlTracking('8264715546', fixture('dhl_unified_404.json'))).toEqual({
      ok: true,
      value: [{ trackingNumber: '8264715546', found: false, message: 'No shipment with given tracking number found.' }],
    });
  });

  it('answers found:false for an empty shipments list', () => {
    expect(parseDhlTracking('X', { shipments: [] })).toMatchObject({ ok: true, value: [{ found: false }] });
  });

  it('reports another problem body as a bad response carrying DHL’s words', () => {
    expect(parseDhlTracking('X', { status: 401, title: 'Unauthorized', detail: 'Unauthorized for given resource.' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'bad_response', carrierCode: 'Unauthorized', carrierMessage: 'Unauthorized for given resource.' }),
    });
  });

  it.each([null, [], 'text', 7, {}, { shipments: 'none' }, { shipments: [{ events: [{ statusCode: 5 }] }] }, { shipments: [{ returnFlag: 'yes' }] }])(
    'returns bad_response for %j',
    (body) => {
      const result = parseDhlTracking('X', body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ code: 'bad_response', retryable: false });
    },
  );
});

describe('parseDhlTracking never throws', () => {
  const NUMBER = '00340434292135100124';
  const parse = (body: unknown) => parseDhlTracking(NUMBER, body);

  it('on random JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (body) => expectTyped(parse(body), NUMBER)), { numRuns: 500 });
  });

  it('on random timestamps', () => {
    const timestamp = fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19)), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
    fc.assert(
      fc.property(timestamp, fc.constantFrom('DE', 'US', 'AU', 'XX', ''), (ts, country) => {
        expectTyped(parse({ shipments: [{ events: [{ timestamp: ts, statusCode: 'transit', location: { address: { countryCode: country } } }], estimatedTimeOfDelivery: ts }] }), NUMBER);
      }),
      { numRuns: 300 },
    );
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
