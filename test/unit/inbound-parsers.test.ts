// The webhook bodies of EasyPost, Shippo and UPS Track Alert, read from fixtures shaped like the real ones.
import { describe, expect, it } from 'vitest';
import { localDayWindow, waybillCarrierOf } from '../../src/carriers/aggregator-kit.js';
import { mappingOf as easyPostMapping, parseEasyPostTracker, readEasyPostEvent } from '../../src/carriers/easypost/parse.js';
import { signEasyPostBody, verifyEasyPostSignature } from '../../src/carriers/easypost/signature.js';
import { mappingOf as shippoMapping, parseShippoTrack, readShippoWebhook, shippoDeliveryId } from '../../src/carriers/shippo/parse.js';
import { parseTrackAlert, readTrackAlert } from '../../src/carriers/ups/track-alert.js';
import { carrierFixtures } from './helpers/carrier-tests.js';

const easypost = carrierFixtures('easypost');
const shippo = carrierFixtures('shippo');
const ups = carrierFixtures('ups');

const unwrap = <T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
};

describe('EasyPost', () => {
  const raw = easypost.text('easypost_event_tracker_updated.json');
  const header = /X-Hmac-Signature: (\S+)/.exec(easypost.text('easypost_event_tracker_updated.headers.txt'))![1]!;

  it('verifies the reference signature on the exact bytes, and nothing else', () => {
    expect(signEasyPostBody('test_webhook_secret', raw)).toBe(header);
    expect(verifyEasyPostSignature(['test_webhook_secret'], Buffer.from(raw), header)).toBe(true);
    expect(verifyEasyPostSignature(['another secret', 'test_webhook_secret'], Buffer.from(raw), header)).toBe(true);
    expect(verifyEasyPostSignature(['wrong_secret'], Buffer.from(raw), header)).toBe(false);
    expect(verifyEasyPostSignature(['test_webhook_secret'], Buffer.from(raw.replace('"in_transit"', '"delivered"')), header)).toBe(false);
    expect(verifyEasyPostSignature(['test_webhook_secret'], Buffer.from(raw), header.replace('hmac-sha256-hex=', ''))).toBe(false);
    expect(verifyEasyPostSignature(['test_webhook_secret'], Buffer.from(raw), undefined)).toBe(false);
    expect(verifyEasyPostSignature(['test_webhook_secret'], Buffer.from(raw), 'hmac-sha256-hex=00')).toBe(false);
  });

  it('reads the tracker: oldest first, UTC times, FedEx codes kept, carrier in Waybill’s words', () => {
    const update = unwrap(parseEasyPostTracker(unwrap(readEasyPostEvent(JSON.parse(raw)))));
    expect(update).toMatchObject({ carrier: 'fedex', trackingNumber: '1' });
    expect(update.events.map((e) => [e.status, e.carrierCode])).toEqual([
      ['info_received', 'OC'],
      ['in_transit', 'PU'],
      ['in_transit', 'DP'],
      ['in_transit', 'IT'],
      ['in_transit', 'AR'],
    ]);
    expect(update.events[1]).toMatchObject({ occurredAt: '2024-07-31T19:27:00Z', carrierText: 'Picked up', location: { city: 'ORLANDO', region: 'FL', postalCode: '32809', country: 'US' } });
    // est_delivery_date_local is a day; its destination is unknown here, so the day is read in UTC.
    expect(update.estimatedDelivery).toEqual({ from: '2024-08-05T00:00:00Z', to: '2024-08-05T23:59:59Z' });
  });

  it('refines statuses with the detail, keeps the status for unknown ones, never moves a delivery', () => {
    expect(easyPostMapping('in_transit', 'arrived_at_pickup_location').status).toBe('available_for_pickup');
    expect(easyPostMapping('in_transit', 'weather_delay')).toMatchObject({ status: 'in_transit', delayed: true, reason: 'weather' });
    expect(easyPostMapping('failure', 'delivery_attempt')).toMatchObject({ status: 'attempt_failed' });
    expect(easyPostMapping('in_transit', 'something_new').status).toBe('in_transit');
    expect(easyPostMapping('delivered', 'return_to_sender').status).toBe('delivered');
    expect(easyPostMapping('unknown', null).status).toBe('keep_previous');
    expect(easyPostMapping('no_such_status', null).status).toBe('keep_previous');
  });

  it('names the field of a body it cannot read', () => {
    const event = unwrap(readEasyPostEvent({ object: 'Event', id: 'evt_2', description: 'tracker.updated', result: { tracking_code: '' } }));
    expect(parseEasyPostTracker(event)).toMatchObject({ ok: false, error: { field: 'result.tracking_code' } });
    expect(readEasyPostEvent({ object: 'Tracker' })).toMatchObject({ ok: false, error: { field: 'object' } });
  });
});

describe('Shippo', () => {
  const body = shippo.json('shippo_track_updated_webhook_reconstructed.json');

  it('reads the history with the status object ids as event keys, and an ETA on the destination’s clock', () => {
    const webhook = unwrap(readShippoWebhook(body));
    const update = unwrap(parseShippoTrack(webhook));
    expect(update).toMatchObject({ carrier: 'usps', trackingNumber: '9205590164917312751089' });
    expect(update.events.map((e) => [e.status, e.dedupeKey])).toEqual([
      ['info_received', 'shippo:1d6b4a8d7c8f4ce1a8f1b7a0b4a0b4c1'],
      ['delivered', 'shippo:ce48ff3d52a34e91b77aa98370182624'],
    ]);
    expect(update.events[1]).toMatchObject({ occurredAt: '2024-07-23T13:03:00Z', location: { city: 'Spotsylvania', region: 'VA' } });
    expect(update.estimatedDelivery).toBeNull(); // delivered: no estimate
    expect(unwrap(shippoDeliveryId(webhook))).toBe('9205590164917312751089:ce48ff3d52a34e91b77aa98370182624:2024-07-23T20:35:26.129Z');
  });

  it('maps substatus codes only while the parcel moves', () => {
    expect(shippoMapping('TRANSIT', 'out_for_delivery').status).toBe('out_for_delivery');
    expect(shippoMapping('TRANSIT', 'delivery_attempted').status).toBe('attempt_failed');
    expect(shippoMapping('TRANSIT', 'delayed')).toMatchObject({ status: 'in_transit', delayed: true });
    expect(shippoMapping('DELIVERED', 'return_to_sender').status).toBe('delivered');
    expect(shippoMapping('RETURNED', null).status).toBe('returning_to_sender');
    expect(shippoMapping('UNKNOWN', null).status).toBe('keep_previous');
  });

  it('gives an estimated day in the destination’s time zone', () => {
    expect(localDayWindow('2024-07-23T00:00:00Z', { country: 'US', region: 'VA' })).toEqual({ from: '2024-07-23T00:00:00-04:00', to: '2024-07-23T23:59:59-04:00' });
    expect(localDayWindow('not a date', { country: 'US' })).toBeNull();
  });
});

describe('UPS Track Alert', () => {
  it('reads the out-for-delivery example with its "-04.00"-style data as a UPS activity', () => {
    const update = unwrap(parseTrackAlert(unwrap(readTrackAlert(ups.json('ups_trackalert_webhook_out_for_delivery.json')))));
    expect(update).toMatchObject({ carrier: 'ups', trackingNumber: '1Z204W4R0308071865' });
    expect(update.events).toHaveLength(1);
    expect(update.events[0]).toMatchObject({ status: 'out_for_delivery', location: { city: 'Charlotte', region: 'NC' }, carrierCode: 'I/OT/021' });
    expect(Date.parse(update.events[0]!.occurredAt!)).toBe(Date.parse('2024-04-23T13:15:19Z'));
    expect(update.estimatedDelivery?.from.slice(0, 10)).toBe('2024-04-23');
  });

  it('reads the delivered example', () => {
    const update = unwrap(parseTrackAlert(unwrap(readTrackAlert(ups.json('ups_trackalert_webhook_delivered.json')))));
    expect(update.events[0]).toMatchObject({ status: 'delivered' });
    expect(Date.parse(update.events[0]!.occurredAt!)).toBe(Date.parse('2025-11-18T23:15:53Z'));
  });

  it('keeps the status for an update that does not move the parcel (type U)', () => {
    const body = { ...(ups.json('ups_trackalert_webhook_out_for_delivery.json') as object), activityStatus: { type: 'U', code: 'UP', description: 'Updated delivery date', descriptionCode: '154' } };
    const update = unwrap(parseTrackAlert(unwrap(readTrackAlert(body))));
    expect(update.events[0]!.status).toBe('keep_previous');
  });

  it('refuses a body without a tracking number or status', () => {
    expect(readTrackAlert({ activityStatus: { type: 'I' } })).toMatchObject({ ok: false, error: { field: 'trackingNumber' } });
    expect(readTrackAlert({ trackingNumber: '1Z204W4R0308071865' })).toMatchObject({ ok: false, error: { field: 'activityStatus' } });
  });
});

describe('carrier names', () => {
  it('knows the aggregators’ spellings of Waybill’s carriers', () => {
    expect(['UPS', 'FedEx', 'FedExSmartPost', 'USPS', 'DHLExpress', 'dhl_ecommerce', 'usps', 'Canada Post', null].map(waybillCarrierOf)).toEqual(['ups', 'fedex', 'fedex', 'usps', 'dhl', 'dhl', 'usps', null, null]);
  });
});
