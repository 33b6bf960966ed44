import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapFedexEvent, markDeliveriesToShipper, parseFedexTrackResponse, parseFedexTrackText } from '../../src/carriers/fedex/parse.js';
import { FEDEX_DERIVED_CODES, FEDEX_EVENT_TYPES } from '../../src/carriers/fedex/status-codes.js';
import type { TrackResult } from '../../src/carriers/types.js';
import { EXCEPTION_REASONS, SHIPMENT_STATUSES } from '../../src/shipments/vocabulary.js';
import { carrierFixtures, isTypedOutcome, itNeverThrowsOnDamaged } from './helpers/carrier-tests.js';

const fixtures = carrierFixtures('fedex');
const { text: fixtureText, json: fixture } = fixtures;
const TRACK_FIXTURES = [
  'fedex_track_delivered_reconstructed.json',
  'fedex_track_multiple_reconstructed.json',
  'fedex_track_returned_reconstructed.json',
  'fedex_track_not_found_in_result.json',
  'fedex_error_401.json',
];

function parsedOk(body: unknown, requested: string[] = []): TrackResult[] {
  const result = parseFedexTrackResponse(body, requested);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function found(result: TrackResult | undefined) {
  if (!result?.found) throw new Error(`expected a found result, got ${JSON.stringify(result)}`);
  return result;
}

/** The FedEx list is two columns of "Code | Definition" with section labels inside them. */
function fedexCodeList(text: string): Array<{ section: string; code: string }> {
  const sections = ['Movement', 'Regulatory', 'Possession'];
  const columns = [{ section: 'Movement' }, { section: 'Movement' }];
  const codes: Array<{ section: string; code: string }> = [];
  for (const line of text.split('\n').slice(1)) {
    const cells = line.split('|').map((c) => c.trim());
    [cells[0], cells[2]].forEach((cell, column) => {
      if (!cell) return;
      if (sections.includes(cell)) columns[column]!.section = cell;
      else codes.push({ section: columns[column]!.section, code: cell.toUpperCase() });
    });
  }
  return codes;
}

describe('FedEx status-code tables', () => {
  const listed = fedexCodeList(fixtureText('fedex_tracking_status_codes.txt'));

  it('reads the three sections of the FedEx list', () => {
    expect(listed.filter((c) => c.section === 'Movement')).toHaveLength(50);
    expect(listed.filter((c) => c.section === 'Regulatory').map((c) => c.code)).toEqual(['CC', 'CD', 'CP', 'EA', 'SP']);
    expect(listed.filter((c) => c.section === 'Possession').map((c) => c.code)).toEqual(['CA', 'RC', 'SH', 'CU', 'BR', 'TP', 'SP']);
  });

  it('maps every movement and regulatory code', () => {
    // Possession codes say who holds the parcel (shipmentDetails.possessionStatus); they are not events.
    const events = listed.filter((c) => c.section !== 'Possession').map((c) => c.code);
    expect(events.filter((code) => !Object.hasOwn(FEDEX_EVENT_TYPES, code))).toEqual([]);
  });

  it('maps only to Waybill statuses and reasons', () => {
    for (const mapping of [...Object.values(FEDEX_EVENT_TYPES), ...Object.values(FEDEX_DERIVED_CODES)]) {
      expect([...SHIPMENT_STATUSES, 'keep_previous']).toContain(mapping.status);
      if ('reason' in mapping) expect(EXCEPTION_REASONS).toContain(mapping.reason);
    }
  });
});

describe('mapFedexEvent', () => {
  it('reads eventType before the coarse derived code', () => {
    // OD comes back with derivedStatusCode IT: the eventType is the one that knows.
    expect(mapFedexEvent({ eventType: 'OD', derivedCode: 'IT', text: '', attempted: false }).status).toBe('out_for_delivery');
    expect(mapFedexEvent({ eventType: 'HP', derivedCode: 'IT', text: '', attempted: false }).status).toBe('available_for_pickup');
    expect(mapFedexEvent({ eventType: 'ZZ', derivedCode: 'DL', text: '', attempted: false }).status).toBe('delivered');
    expect(mapFedexEvent({ eventType: 'ZZ', derivedCode: 'ZZ', text: '', attempted: false }).status).toBe('keep_previous');
    expect(mapFedexEvent({ eventType: 'RP', text: 'Return label link emailed', attempted: false }).status).toBe('keep_previous');
  });

  it('turns a delivery exception into a failed attempt when an attempt shows', () => {
    expect(mapFedexEvent({ eventType: 'DE', text: 'Delivery exception Incorrect address', attempted: false })).toEqual({ status: 'exception', reason: 'address_problem', delayed: false });
    expect(mapFedexEvent({ eventType: 'DE', text: 'Delivery exception Incorrect address', attempted: true })).toEqual({ status: 'attempt_failed', reason: 'address_problem', delayed: false });
    expect(mapFedexEvent({ eventType: 'DE', text: 'Delivery exception Customer not available', attempted: false })).toEqual({ status: 'attempt_failed', reason: 'recipient_unavailable', delayed: false });
    expect(mapFedexEvent({ eventType: 'DE', text: 'Delivery exception', attempted: false })).toEqual({ status: 'exception', reason: 'other', delayed: false });
  });

  it('marks delays without changing where the parcel is', () => {
    expect(mapFedexEvent({ eventType: 'DY', text: 'Delay Package delayed', attempted: false })).toEqual({ status: 'in_transit', reason: 'carrier_delay', delayed: true });
    expect(mapFedexEvent({ eventType: 'DD', text: 'Delivery delay Severe weather', attempted: false })).toEqual({ status: 'in_transit', reason: 'weather', delayed: true });
    expect(mapFedexEvent({ eventType: 'CA', text: 'Shipment cancelled', attempted: false }).status).toBe('cancelled');
  });
});

describe('parseFedexTrackResponse', () => {
  it('reads the delivered example, oldest event first, with the delay in between', () => {
    const [result] = parsedOk(fixture('fedex_track_delivered_reconstructed.json'), ['776094337676']);
    const delivered = found(result);
    expect(delivered.trackingNumber).toBe('776094337676');
    expect(delivered.service).toBe('FedEx 2Day');
    expect(delivered.estimatedDelivery).toBeNull(); // delivered: no estimate
    expect(delivered.events.map((e) => [e.occurredAt, e.status, e.reason, e.delayed, e.carrierCode, e.location?.city ?? null])).toEqual([
      ['2024-04-24T09:10:00-05:00', 'info_received', null, false, 'OC', null],
      ['2024-04-24T16:05:00-07:00', 'in_transit', null, false, 'PU', 'ORANGE'],
      ['2024-04-25T08:12:00-07:00', 'in_transit', null, false, 'AR', 'CLOVIS'],
      ['2024-04-25T11:29:00-07:00', 'in_transit', 'carrier_delay', true, 'DY/A52', 'CLOVIS'],
      ['2024-04-26T08:01:00-07:00', 'out_for_delivery', null, false, 'OD', 'CLOVIS'],
      ['2024-04-26T10:12:00-07:00', 'delivered', null, false, 'DL', 'FRESNO'],
    ]);
    expect(delivered.events.at(-1)).toEqual({
      status: 'delivered',
      reason: null,
      delayed: false,
      occurredAt: '2024-04-26T10:12:00-07:00',
      location: { city: 'FRESNO', region: 'CA', postalCode: '93703', country: 'US' },
      carrierCode: 'DL',
      carrierText: 'Delivered',
      dedupeKey: null,
    });
    expect(delivered.events[3]!.carrierText).toBe('Delay: Package delayed');
  });

  it('reads a refused parcel sent back to the shipper: the delivery after RS is `returned`, with no estimate', () => {
    const returned = found(parsedOk(fixture('fedex_track_returned_reconstructed.json'), ['794843185271'])[0]);
    expect(returned.events.map((e) => [e.carrierCode, e.status, e.location?.city ?? null])).toEqual([
      ['PU', 'in_transit', 'MEMPHIS'],
      ['OD', 'out_for_delivery', 'DENVER'],
      ['DE/007', 'attempt_failed', 'DENVER'],
      ['RS/008', 'returning_to_sender', 'DENVER'],
      ['AR', 'in_transit', 'MEMPHIS'],
      ['OD', 'out_for_delivery', 'MEMPHIS'],
      ['DL', 'returned', 'MEMPHIS'],
    ]);
    expect(returned.estimatedDelivery).toBeNull();
    // The same history without the return scan is an ordinary delivery.
    const body = fixture('fedex_track_returned_reconstructed.json') as { output: { completeTrackResults: Array<{ trackResults: Array<{ scanEvents: Array<{ eventType: string }> }> }> } };
    const result = body.output.completeTrackResults[0]!.trackResults[0]!;
    result.scanEvents = result.scanEvents.filter((scan) => scan.eventType !== 'RS');
    expect(found(parsedOk(body, ['794843185271'])[0]).events.at(-1)).toMatchObject({ carrierCode: 'DL', status: 'delivered' });
  });

  it('reads a delivery as `returned` after a return to shipper, or when worded as one, as USPS and DHL do', () => {
    const ev = (status: 'delivered' | 'returning_to_sender' | 'in_transit', carrierText: string) => ({ status, carrierText });
    expect(markDeliveriesToShipper([ev('in_transit', 'Picked up'), ev('delivered', 'Delivered')]).map((e) => e.status)).toEqual(['in_transit', 'delivered']);
    expect(markDeliveriesToShipper([ev('returning_to_sender', 'Return to shipper'), ev('in_transit', 'Departed'), ev('delivered', 'Delivered')]).map((e) => e.status)).toEqual([
      'returning_to_sender',
      'in_transit',
      'returned',
    ]);
    // A delivery before the return scan was to the recipient (then refused or recalled): it stays delivered.
    expect(markDeliveriesToShipper([ev('delivered', 'Delivered'), ev('returning_to_sender', 'Return to shipper')]).map((e) => e.status)).toEqual(['delivered', 'returning_to_sender']);
    expect(markDeliveriesToShipper([ev('delivered', 'Delivered: Returned to shipper')])[0]!.status).toBe('returned');
  });

  it('reads not-found inside a 200 as found:false', () => {
    expect(parsedOk(fixture('fedex_track_not_found_in_result.json'), ['123456789012'])).toEqual([
      { trackingNumber: '123456789012', found: false, message: 'Tracking number cannot be found. Please correct the tracking number and try again.' },
    ]);
  });

  it('reads several numbers: a reused number, a failed attempt, a late parcel, a missing one', () => {
    const requested = ['771234567890', '794843185271', '123456789012', '999999999999'];
    const results = parsedOk(fixture('fedex_track_multiple_reconstructed.json'), requested);
    expect(results.map((r) => [r.trackingNumber, r.found])).toEqual([
      ['771234567890', true],
      ['794843185271', true],
      ['123456789012', false],
      ['999999999999', false], // asked for, never answered
    ]);

    // 794843185271 exists twice at FedEx; the 2024 shipment is the one with the newest scan.
    const attempted = found(results[1]);
    expect(attempted.service).toBe('FedEx Home Delivery');
    expect(attempted.events.map((e) => [e.occurredAt, e.status, e.reason])).toEqual([
      ['2024-05-06T18:21:00-04:00', 'info_received', null],
      ['2024-05-07T16:40:00-04:00', 'in_transit', null],
      ['2024-05-08T06:15:00-05:00', 'in_transit', null],
      ['2024-05-09T08:02:00-05:00', 'out_for_delivery', null],
      ['2024-05-09T13:02:00-05:00', 'attempt_failed', 'business_closed'],
    ]);
    expect(attempted.events.at(-1)!.carrierText).toBe('Delivery exception: Customer not available or business closed');
    expect(attempted.estimatedDelivery).toEqual({ from: '2024-05-10T00:00:00-05:00', to: '2024-05-10T23:59:59-05:00' });

    const late = found(results[0]);
    expect(late.events.map((e) => [e.status, e.reason, e.delayed])).toEqual([
      ['info_received', null, false],
      ['in_transit', null, false],
      ['exception', 'address_problem', false],
      ['in_transit', 'carrier_delay', true], // latestStatusDetail.derivedCode RL: running late
    ]);
    expect(late.estimatedDelivery).toEqual({ from: '2024-05-10T09:00:00-07:00', to: '2024-05-10T13:00:00-07:00' });
  });

  it('keeps FedEx error codes on a bad_response and refuses shapes it cannot read', () => {
    expect(parseFedexTrackResponse(fixture('fedex_error_401.json'), [])).toMatchObject({
      ok: false,
      error: { code: 'bad_response', carrierCode: 'NOT.AUTHORIZED.ERROR', carrierMessage: 'Access token expired. Please modify your request and try again.' },
    });
    expect(parseFedexTrackResponse({ output: { completeTrackResults: [{ trackResults: [{ scanEvents: 'x' }] }] } })).toMatchObject({ ok: false, error: { code: 'bad_response' } });
    expect(parseFedexTrackText('{"output":', [])).toMatchObject({ ok: false, error: { code: 'bad_response' } });
  });

  it('keeps a time without offset out of the fold (null) and uses the latest status when scans are missing', () => {
    const body = {
      output: {
        completeTrackResults: [
          {
            trackingNumber: '1',
            trackResults: [{ scanEvents: [{ date: '2024-05-09T13:02:00', eventType: 'AR', eventDescription: 'Arrived' }] }],
          },
          {
            trackingNumber: '2',
            trackResults: [
              {
                latestStatusDetail: { code: 'DL', derivedCode: 'DL', description: 'Delivered' },
                dateAndTimes: [{ type: 'ACTUAL_DELIVERY', dateTime: '2024-05-09T13:02:00-05:00' }],
              },
            ],
          },
        ],
      },
    };
    const [first, second] = parsedOk(body, ['1', '2']);
    expect(found(first).events[0]!.occurredAt).toBeNull();
    expect(found(second).events).toMatchObject([{ status: 'delivered', occurredAt: '2024-05-09T13:02:00-05:00', carrierCode: 'DL' }]);
  });
});

describe('FedEx parser robustness (property)', () => {
  it('never throws on random JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.array(fc.string()), (value, requested) => isTypedOutcome(parseFedexTrackResponse(value, requested))), { numRuns: 500 });
  });

  it('never throws on random JSON wearing a FedEx envelope', () => {
    const anything = fc.jsonValue({ maxDepth: 2 });
    const field = fc.constantFrom('date', 'eventType', 'eventDescription', 'exceptionDescription', 'scanLocation', 'derivedStatusCode');
    const scans = fc.array(fc.dictionary(field, anything), { maxLength: 4 });
    const result = fc.record({ scanEvents: scans, latestStatusDetail: anything, dateAndTimes: anything, deliveryDetails: anything }, { requiredKeys: [] });
    const complete = fc.record({ trackingNumber: fc.string(), trackResults: fc.array(result, { maxLength: 3 }) });
    const body = fc.array(complete, { maxLength: 3 }).map((completeTrackResults) => ({ output: { completeTrackResults } }));
    fc.assert(fc.property(body, (value) => isTypedOutcome(parseFedexTrackResponse(value, ['1']))), { numRuns: 500 });
  });

  itNeverThrowsOnDamaged(TRACK_FIXTURES, {
    fixtures,
    parseText: (text) => parseFedexTrackText(text, ['776094337676']),
    parseBody: (body) => parseFedexTrackResponse(body, ['776094337676']),
  });
});
