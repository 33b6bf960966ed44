import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapUpsActivityStatus, parseUpsTrackResponse, parseUpsTrackText, upsCodeTableOf } from '../../src/carriers/ups/parse.js';
import {
  UPS_ACTIVITY_TYPES,
  UPS_DELIVERY_DETAIL_CODES,
  UPS_EXCEPTION_CODES,
  UPS_FREIGHT_CODES,
  UPS_MAIL_INNOVATIONS_CODES,
  UPS_MANIFEST_CODES,
  UPS_MOVEMENT_CODES,
  UPS_STATUS_CODES,
  UPS_UPDATE_CODES,
  type UpsCodeMapping,
} from '../../src/carriers/ups/status-codes.js';
import type { TrackResult } from '../../src/carriers/types.js';
import { EXCEPTION_REASONS, SHIPMENT_STATUSES } from '../../src/shipments/vocabulary.js';
import { carrierFixtures, isTypedOutcome, itNeverThrowsOnDamaged } from './helpers/carrier-tests.js';

const fixtures = carrierFixtures('ups');
const { text: fixtureText, json: fixture } = fixtures;
const TRACK_FIXTURES = [
  'ups_track_delivered.json',
  'ups_track_in_transit_reconstructed.json',
  'ups_track_exception_reconstructed.json',
  'ups_track_mail_innovations_reconstructed.json',
  'ups_track_not_found.json',
  'ups_track_invalid_inquiry.json',
];

function parsedOk(body: unknown, inquiry = 'UNKNOWN'): TrackResult[] {
  const result = parseUpsTrackResponse(body, inquiry);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function foundOnly(results: TrackResult[]) {
  expect(results).toHaveLength(1);
  const [only] = results;
  if (!only?.found) throw new Error('expected a found result');
  return only;
}

/** "CODE | text" tables of the UPS appendix, by section header. */
function appendixSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (!line.trim() || line.startsWith('CRD ') || line.startsWith('VCAT')) continue; // banners between tables
    if (/CODE$|TYPE$/.test(cells[0] ?? '') && /Customer Facing|Data Not Available/.test(line)) {
      const name = sections.has(cells[0]!) ? `${cells[0]} (exceptions)` : cells[0]!;
      current = [];
      sections.set(name, current);
      continue;
    }
    current?.push(cells[0]!);
  }
  return sections;
}

/** The first column of a "CODE | … | Customer Facing Text Description" list, below its header. */
function listCodes(file: string): string[] {
  const lines = fixtureText(file).split('\n');
  const header = lines.findIndex((line) => line.includes('Customer Facing Text Description'));
  expect(header, `${file} has a header line`).toBeGreaterThanOrEqual(0);
  return lines
    .slice(header + 1)
    .map((line) => line.split('|')[0]!.trim())
    .filter(Boolean);
}

const fixtureFolder = new URL('../fixtures/carriers/ups/', import.meta.url);

describe('UPS status-code tables', () => {
  const appendix = appendixSections(fixtureText('ups_tracking_appendix_all_tabs.txt'));
  const mapped: Record<string, Record<string, UpsCodeMapping>> = {
    'EXCEPTION CODE': UPS_EXCEPTION_CODES,
    'DIALS CODE': UPS_DELIVERY_DETAIL_CODES,
    'ULD CODE': UPS_MOVEMENT_CODES,
    'MANIFEST CODE': UPS_MANIFEST_CODES,
    'UPDATES CODE': UPS_UPDATE_CODES,
    CODE: UPS_STATUS_CODES,
    'ACTIVITY TYPE': UPS_ACTIVITY_TYPES,
    // Product tables, chosen per package (upsCodeTableOf): their codes collide with the ones above.
    'SHIPPING EVENT CODE': UPS_MAIL_INNOVATIONS_CODES,
    'FREIGHT ACTIVITY CODE': UPS_FREIGHT_CODES,
    'FREIGHT ACTIVITY CODE (exceptions)': UPS_FREIGHT_CODES,
  };
  // Every list file of the fixtures folder, with the table that must map each of its codes.
  const lists: Record<string, Record<string, UpsCodeMapping>> = {
    'Tracking-status-description-codes.txt': UPS_STATUS_CODES,
    'Tracking-package-activity-types.txt': UPS_ACTIVITY_TYPES,
    'Tracking-manifest-codes.txt': UPS_MANIFEST_CODES,
    'Tracking-updates.txt': UPS_UPDATE_CODES,
    'Tracking-mail-innovation.txt': UPS_MAIL_INNOVATIONS_CODES,
  };
  const APPENDIX = 'ups_tracking_appendix_all_tabs.txt';

  it('knows every section of the appendix, so a new table cannot slip in unmapped', () => {
    expect([...appendix.keys()].sort()).toEqual(Object.keys(mapped).sort());
  });

  it('knows every code list in the fixtures folder, so a new list cannot slip in unwalked', () => {
    const files = readdirSync(fixtureFolder).filter((name) => name.endsWith('.txt'));
    expect(files.sort()).toEqual([...Object.keys(lists), APPENDIX].sort());
  });

  for (const [section, table] of Object.entries(mapped)) {
    it(`maps every code of the appendix table "${section}"`, () => {
      const codes = appendix.get(section)!;
      expect(codes.length).toBeGreaterThan(2);
      expect(codes.filter((code) => !Object.hasOwn(table, code))).toEqual([]);
    });
  }

  it.each(Object.entries(lists))('maps every code of %s', (file, table) => {
    const codes = listCodes(file);
    expect(codes.length).toBeGreaterThan(2);
    expect(codes.filter((code) => !Object.hasOwn(table, code))).toEqual([]);
  });

  it('holds exactly the codes of the product lists, nothing invented', () => {
    const appendixCodes = (...sections: string[]) => new Set(sections.flatMap((name) => appendix.get(name)!));
    expect(new Set(Object.keys(UPS_MAIL_INNOVATIONS_CODES))).toEqual(appendixCodes('SHIPPING EVENT CODE'));
    expect(new Set(Object.keys(UPS_MAIL_INNOVATIONS_CODES))).toEqual(new Set(listCodes('Tracking-mail-innovation.txt')));
    expect(new Set(Object.keys(UPS_FREIGHT_CODES))).toEqual(appendixCodes('FREIGHT ACTIVITY CODE', 'FREIGHT ACTIVITY CODE (exceptions)'));
    expect(Object.keys(UPS_MAIL_INNOVATIONS_CODES)).toHaveLength(213);
    expect(Object.keys(UPS_FREIGHT_CODES)).toHaveLength(66 + 207);
  });

  it('maps only to Waybill statuses and reasons', () => {
    for (const table of Object.values(mapped)) {
      for (const mapping of Object.values(table)) {
        expect([...SHIPMENT_STATUSES, 'keep_previous']).toContain(mapping.status);
        if (mapping.reason) expect(EXCEPTION_REASONS).toContain(mapping.reason);
        if (mapping.delayed) expect(mapping.status).toBe('in_transit');
      }
    }
  });

  it('follows the reference mapping for the landmark status numbers', () => {
    expect(UPS_STATUS_CODES['11'].status).toBe('delivered');
    expect(UPS_STATUS_CODES['21'].status).toBe('out_for_delivery');
    expect(UPS_STATUS_CODES['161'].status).toBe('available_for_pickup');
    expect(UPS_STATUS_CODES['22'].status).toBe('attempt_failed');
    expect(UPS_STATUS_CODES['46']).toEqual({ status: 'in_transit', delayed: true, reason: 'carrier_delay' });
    expect(UPS_STATUS_CODES['52']).toEqual({ status: 'in_transit', delayed: true, reason: 'weather' });
    expect(UPS_STATUS_CODES['64']).toEqual({ status: 'exception', reason: 'recipient_refused' });
    expect(UPS_STATUS_CODES['7'].status).toBe('cancelled');
    expect(UPS_STATUS_CODES['35'].status).toBe('returning_to_sender');
    expect(UPS_STATUS_CODES['34'].status).toBe('returned');
    expect(UPS_STATUS_CODES['154'].status).toBe('keep_previous');
  });

  it('reads the Mail Innovations and Freight lists in their own words', () => {
    expect(UPS_MAIL_INNOVATIONS_CODES.DL.status).toBe('delivered'); // Delivery with Signature (small package: Driver Load)
    expect(UPS_MAIL_INNOVATIONS_CODES.MV.status).toBe('in_transit'); // Shipment tendered to Mail Innovations
    expect(UPS_MAIL_INNOVATIONS_CODES.OF.status).toBe('in_transit'); // Departure Scan: Enroute to customer
    expect(UPS_MAIL_INNOVATIONS_CODES.PX).toEqual({ status: 'exception', reason: 'damaged' }); // (type U: delivery photo)
    expect(UPS_MAIL_INNOVATIONS_CODES.P0.status).toBe('available_for_pickup'); // Delivered to UPS Access Point
    expect(UPS_MAIL_INNOVATIONS_CODES.SQ.status).toBe('returned'); // Return delivered to sender
    expect(UPS_MAIL_INNOVATIONS_CODES.SH).toEqual({ status: 'returning_to_sender', reason: 'recipient_refused' });
    expect(UPS_MAIL_INNOVATIONS_CODES.ZX.status).toBe('in_transit'); // transferred to post office
    expect(UPS_FREIGHT_CODES['011'].status).toBe('out_for_delivery'); // not the status number 11 (delivered)
    expect(UPS_FREIGHT_CODES['012'].status).toBe('delivered');
    expect(UPS_FREIGHT_CODES['014'].status).toBe('cancelled');
    expect(UPS_FREIGHT_CODES['05']).toEqual({ status: 'in_transit', delayed: true, reason: 'weather' });
    expect(UPS_FREIGHT_CODES.UF).toEqual({ status: 'attempt_failed', reason: 'business_closed' });
    expect(UPS_FREIGHT_CODES.D5).toEqual({ status: 'exception', reason: 'recipient_refused' });
    expect(UPS_FREIGHT_CODES.LC).toEqual({ status: 'exception', reason: 'lost' });
  });
});

describe('mapUpsActivityStatus', () => {
  it('prefers the 3-digit number over the type letter', () => {
    // Type D alone would say delivered; 161 says it waits at an Access Point.
    expect(mapUpsActivityStatus({ type: 'D', code: '2Q', statusCode: '161' }).status).toBe('available_for_pickup');
  });

  it('lets the 2-letter code explain a bare "Exception" number', () => {
    expect(mapUpsActivityStatus({ type: 'X', code: 'AX', statusCode: '013' })).toEqual({ status: 'attempt_failed', reason: 'recipient_unavailable', delayed: false });
    expect(mapUpsActivityStatus({ type: 'X', code: 'KT', statusCode: '013' })).toEqual({ status: 'exception', reason: 'recipient_refused', delayed: false });
    expect(mapUpsActivityStatus({ type: 'X', code: 'ZZZ', statusCode: '013' })).toEqual({ status: 'exception', reason: 'other', delayed: false });
  });

  it('takes the finer reason from the 2-letter code when both agree on the status', () => {
    expect(mapUpsActivityStatus({ type: 'X', code: 'DJ', statusCode: '046' })).toEqual({ status: 'in_transit', reason: 'weather', delayed: true });
    expect(mapUpsActivityStatus({ type: 'X', code: '48', statusCode: '022' })).toEqual({ status: 'attempt_failed', reason: 'recipient_unavailable', delayed: false });
  });

  it('reads a 2-letter code in the table of its own type (OT means two things)', () => {
    expect(mapUpsActivityStatus({ type: 'I', code: 'OT' }).status).toBe('out_for_delivery');
    expect(mapUpsActivityStatus({ type: 'X', code: 'OT' })).toEqual({ status: 'exception', reason: 'customs_hold', delayed: false });
    expect(mapUpsActivityStatus({ type: 'D', code: 'ZP' }).status).toBe('available_for_pickup');
    expect(mapUpsActivityStatus({ type: 'D', code: 'ML' }).status).toBe('delivered');
    expect(mapUpsActivityStatus({ type: 'MV', code: 'VP' }).status).toBe('cancelled');
  });

  it('reads a 2-letter code in the table of the package\'s product when told which', () => {
    // DL: "Driver Load" (type I) or "returned to sender" (type D → exception table) for a small package.
    expect(mapUpsActivityStatus({ type: 'D', code: 'DL' }).status).toBe('returning_to_sender');
    expect(mapUpsActivityStatus({ type: 'D', code: 'DL' }, 'mail_innovations').status).toBe('delivered');
    expect(mapUpsActivityStatus({ type: 'X', code: '1E' })).toEqual({ status: 'in_transit', reason: 'weather', delayed: true }); // SurePost weather delay
    expect(mapUpsActivityStatus({ type: 'X', code: '1E' }, 'mail_innovations').status).toBe('delivered'); // picked up at the post office
    expect(mapUpsActivityStatus({ type: 'X', code: 'UF' }, 'freight')).toEqual({ status: 'attempt_failed', reason: 'business_closed', delayed: false });
    expect(mapUpsActivityStatus({ type: 'I', code: '012' }, 'freight').status).toBe('delivered');
    // The 3-digit number stays first, and a bare "Exception" still defers to the (product's) code.
    expect(mapUpsActivityStatus({ type: 'I', code: 'OF', statusCode: '021' }, 'mail_innovations').status).toBe('out_for_delivery');
    expect(mapUpsActivityStatus({ type: 'X', code: 'PX', statusCode: '013' }, 'mail_innovations')).toEqual({ status: 'exception', reason: 'damaged', delayed: false });
    // Type U (Track Alert updates) keeps its own table: PX is the delivery photo, not "damaged".
    expect(mapUpsActivityStatus({ type: 'U', code: 'PX' }, 'mail_innovations').status).toBe('keep_previous');
    // A code the product table lacks is read as before.
    expect(mapUpsActivityStatus({ type: 'X', code: 'AX', statusCode: '013' }, 'freight')).toEqual({ status: 'attempt_failed', reason: 'recipient_unavailable', delayed: false });
  });

  it('falls back to the type letter, and keeps the previous status when nothing is known', () => {
    expect(mapUpsActivityStatus({ type: 'I', code: '??' }).status).toBe('in_transit');
    expect(mapUpsActivityStatus({ type: 'Q', code: 'QQ', statusCode: '999' }).status).toBe('keep_previous');
    expect(mapUpsActivityStatus({}).status).toBe('keep_previous');
    expect(mapUpsActivityStatus({ type: 'X', code: 'constructor', statusCode: 'toString' }).status).toBe('exception');
  });
});

describe('upsCodeTableOf', () => {
  const pic = [{ number: '9274890198765432109876', type: 'USPS_PIC' }];

  it('recognises Mail Innovations by service, MI number, or a USPS number without a 1Z one', () => {
    expect(upsCodeTableOf({ trackingNumber: 'X123', service: { description: 'UPS Mail Innovations Expedited' } })).toBe('mail_innovations');
    expect(upsCodeTableOf({ trackingNumber: 'MI024601WAYBILL000017' })).toBe('mail_innovations');
    expect(upsCodeTableOf({ trackingNumber: null }, 'mi024601waybill000017')).toBe('mail_innovations');
    expect(upsCodeTableOf({ trackingNumber: '9274890198765432109876' })).toBe('mail_innovations');
    expect(upsCodeTableOf({ trackingNumber: 'X123', alternateTrackingNumber: pic })).toBe('mail_innovations');
  });

  it('keeps SurePost / Ground Saver (1Z parcels handed to USPS) on the small-package tables', () => {
    expect(upsCodeTableOf({ trackingNumber: '1Z5R89390357567127', alternateTrackingNumber: pic, service: { description: 'UPS SurePost' } })).toBe('small_package');
    expect(upsCodeTableOf({ trackingNumber: '1Z5R89390357567127', alternateTrackingNumber: pic, service: { description: 'UPS Ground Saver' } })).toBe('small_package');
  });

  it('recognises freight by service or PRO number, never for a 1Z number', () => {
    expect(upsCodeTableOf({ trackingNumber: 'X123', service: { description: 'TForce Freight LTL' } })).toBe('freight');
    expect(upsCodeTableOf({ trackingNumber: 'X123', service: { description: 'UPS Freight LTL Guaranteed' } })).toBe('freight');
    expect(upsCodeTableOf({ trackingNumber: null }, '123456789')).toBe('freight');
    expect(upsCodeTableOf({ trackingNumber: '1Z5R89390357567127', service: { description: 'UPS Worldwide Express Freight' } })).toBe('small_package');
  });

  it('answers small package when nothing says otherwise', () => {
    expect(upsCodeTableOf({ trackingNumber: '1Z5R89390357567127', service: { description: 'UPS Ground' } })).toBe('small_package');
    expect(upsCodeTableOf({}, 'ABC')).toBe('small_package');
    expect(upsCodeTableOf({ alternateTrackingNumber: [{ number: '1', type: 'OTHER' }] })).toBe('small_package');
  });
});

describe('parseUpsTrackResponse', () => {
  it('reads the official delivered example, oldest event first', () => {
    const result = foundOnly(parsedOk(fixture('ups_track_delivered.json')));
    expect(result.trackingNumber).toBe('1Z1442YY7229014688');
    expect(result.estimatedDelivery).toBeNull();
    expect(result.events).toEqual([
      {
        status: 'info_received',
        reason: null,
        delayed: false,
        // No GMT fields and no state: the offset of the sibling scan in New Jersey.
        occurredAt: '2022-01-26T15:16:41-05:00',
        location: { city: null, region: null, postalCode: null, country: 'US' },
        carrierCode: 'M/MP/003',
        carrierText: 'Shipper created a label, UPS has not received the package yet.',
        dedupeKey: null,
      },
      {
        status: 'delivered',
        reason: null,
        delayed: false,
        // Local time in New Jersey, winter: -05:00.
        occurredAt: '2022-01-26T16:30:00-05:00',
        location: { city: 'PARAMUS', region: 'NJ', postalCode: null, country: 'US' },
        carrierCode: 'D/F4/011',
        carrierText: 'DELIVERED',
        dedupeKey: null,
      },
    ]);
  });

  it('reads an out-for-delivery package with GMT fields, an estimate and a service', () => {
    const result = foundOnly(parsedOk(fixture('ups_track_in_transit_reconstructed.json')));
    expect(result.service).toBe('UPS Ground');
    expect(result.events.map((e) => [e.status, e.occurredAt, e.location?.city ?? null, e.carrierCode])).toEqual([
      ['info_received', '2024-04-22T10:16:41-04:00', null, 'M/MP/003'],
      ['in_transit', '2024-04-22T20:13:00-04:00', 'Atlanta', 'I/OR/005'],
      ['in_transit', '2024-04-24T04:12:00-04:00', 'Charlotte', 'I/DS/005'],
      ['out_for_delivery', '2024-04-24T09:15:19-04:00', 'Charlotte', 'I/OT/021'],
    ]);
    expect(result.events[3]!.location).toEqual({ city: 'Charlotte', region: 'NC', postalCode: null, country: 'US' });
    // SDD, end of day: the whole day in the latest scan's offset.
    expect(result.estimatedDelivery).toEqual({ from: '2024-04-25T00:00:00-04:00', to: '2024-04-25T23:59:00-04:00' });
  });

  it('reads delays, a failed attempt and an ETA update in the right order and offsets', () => {
    const result = foundOnly(parsedOk(fixture('ups_track_exception_reconstructed.json')));
    expect(result.service).toBe('UPS 2nd Day Air');
    expect(result.events.map((e) => [e.occurredAt, e.status, e.reason, e.delayed])).toEqual([
      ['2024-06-10T09:30:00-04:00', 'info_received', null, false],
      ['2024-06-11T03:10:00-04:00', 'in_transit', null, false], // Kentucky, local time only
      ['2024-06-11T23:15:00-06:00', 'in_transit', null, false], // gmtTime "51500", offset "-06.00"
      ['2024-06-12T07:00:00-06:00', 'in_transit', 'weather', true], // Colorado, local time only
      ['2024-06-13T08:10:00-06:00', 'out_for_delivery', null, false],
      ['2024-06-13T14:30:00-06:00', 'attempt_failed', 'recipient_unavailable', false],
      ['2024-06-13T18:05:00-06:00', 'attempt_failed', 'recipient_unavailable', false], // 154 keeps the status
    ]);
    expect(result.events.at(-1)!.carrierCode).toBe('U/UP/154');
    // RDD wins over SDD; commit window in the destination's zone (Denver, summer).
    expect(result.estimatedDelivery).toEqual({ from: '2024-06-14T09:00:00-06:00', to: '2024-06-14T12:00:00-06:00' });
  });

  it('reads a Mail Innovations package through the Mail Innovations table', () => {
    const result = foundOnly(parsedOk(fixture('ups_track_mail_innovations_reconstructed.json')));
    expect(result.trackingNumber).toBe('MI024601WAYBILL000017');
    expect(result.service).toBe('UPS Mail Innovations Expedited');
    expect(result.estimatedDelivery).toBeNull();
    expect(result.events.map((e) => [e.carrierCode, e.status, e.reason, e.occurredAt])).toEqual([
      ['M/MP/003', 'info_received', null, '2024-05-06T09:12:00-04:00'],
      ['I/VS', 'in_transit', null, '2024-05-06T18:40:00-04:00'], // Kentucky
      ['I/ZT', 'in_transit', null, '2024-05-07T02:15:00-04:00'],
      ['I/OF', 'in_transit', null, '2024-05-07T23:50:00-04:00'], // Departure Scan: Enroute to customer
      ['I/YI', 'in_transit', null, '2024-05-09T06:05:00-05:00'], // Arrived at USPS Facility (Minnesota)
      ['I/EL', 'out_for_delivery', null, '2024-05-09T08:10:00-05:00'],
      ['X/DX', 'attempt_failed', 'recipient_unavailable', '2024-05-09T14:22:00-05:00'],
      ['D/DL', 'delivered', null, '2024-05-10T10:47:00-05:00'], // Delivery with Signature
    ]);
  });

  it('reads the same codes in a small-package response through the small-package tables', () => {
    const body = fixture('ups_track_mail_innovations_reconstructed.json') as { trackResponse: { shipment: [{ inquiryNumber: string; package: [Record<string, unknown>] }] } };
    const [shipment] = body.trackResponse.shipment;
    shipment.inquiryNumber = '1Z5R89390357567127';
    const pkg = shipment.package[0];
    pkg.trackingNumber = '1Z5R89390357567127';
    pkg.service = { code: '003', description: 'UPS Ground' };
    delete pkg.alternateTrackingNumber;
    const result = foundOnly(parsedOk(body));
    expect(result.events.map((e) => [e.carrierCode, e.status, e.reason])).toEqual([
      ['M/MP/003', 'info_received', null],
      ['I/VS', 'in_transit', null], // unknown movement code: type I
      ['I/ZT', 'in_transit', null],
      ['I/OF', 'out_for_delivery', null], // Out for delivery
      ['I/YI', 'out_for_delivery', null], // Out For Delivery to UPS Access Point
      ['I/EL', 'in_transit', null], // unknown movement code: type I
      ['X/DX', 'exception', 'other'], // not in the exception table: type X
      ['D/DL', 'returning_to_sender', null], // "The package will be returned to the sender."
    ]);
  });

  it('ignores an alternateTrackingNumber of an unexpected shape instead of failing the answer', () => {
    const body = fixture('ups_track_mail_innovations_reconstructed.json') as { trackResponse: { shipment: [{ package: [Record<string, unknown>] }] } };
    body.trackResponse.shipment[0].package[0].alternateTrackingNumber = 'USPS_PIC';
    expect(foundOnly(parsedOk(body)).events.at(-1)!.status).toBe('delivered'); // still MI by service and number
  });

  it('turns the 200 with warning TW0001 into found:false', () => {
    expect(parsedOk(fixture('ups_track_not_found.json'), '1Z0000000000000000')).toEqual([
      { trackingNumber: '1Z0000000000000000', found: false, message: 'Tracking Information Not Found' },
    ]);
  });

  it('turns TV1002 (invalid inquiry number) into found:false', () => {
    expect(parsedOk(fixture('ups_track_invalid_inquiry.json'), 'NOPE')).toEqual([{ trackingNumber: 'NOPE', found: false, message: 'Invalid inquiry number' }]);
  });

  it('keeps any other UPS error code and text on a bad_response', () => {
    const result = parseUpsTrackResponse({ response: { errors: [{ code: '250002', message: 'Invalid Authentication Information.' }] } }, 'X');
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_response', carrierCode: '250002', carrierMessage: 'Invalid Authentication Information.' } });
  });

  it('answers bad_response for shapes it cannot read', () => {
    expect(parseUpsTrackResponse({ trackResponse: { shipment: 'nope' } }, 'X')).toMatchObject({ ok: false, error: { code: 'bad_response', retryable: false } });
    expect(parseUpsTrackResponse(null, 'X')).toMatchObject({ ok: false, error: { code: 'bad_response' } });
    expect(parseUpsTrackText('{"trackResponse":', 'X')).toMatchObject({ ok: false, error: { code: 'bad_response' } });
  });

  it('works out times without GMT fields: main zone of the country, else UTC; an impossible date gives null', () => {
    const body = (address: object, date = '20240115', time = '120000') => ({
      trackResponse: { shipment: [{ package: [{ activity: [{ date, time, location: { address }, status: { type: 'I', code: 'AR', statusCode: '005' } }] }] }] },
    });
    const at = (b: unknown) => foundOnly(parsedOk(b)).events[0]!.occurredAt;
    expect(at(body({ countryCode: 'US' }))).toBe('2024-01-15T12:00:00-05:00');
    expect(at(body({ countryCode: 'DE' }, '20240715'))).toBe('2024-07-15T12:00:00+02:00');
    expect(at(body({ city: 'Nowhere' }))).toBe('2024-01-15T12:00:00+00:00');
    expect(at(body({ countryCode: 'US' }, '20240230'))).toBeNull();
    expect(at(body({ countryCode: 'US' }, '20240115', '250000'))).toBeNull();
  });

  it('answers one result per package of a multi-package shipment', () => {
    const activity = [{ date: '20240115', time: '120000', status: { type: 'I', code: 'AR', statusCode: '005' } }];
    const results = parsedOk({ trackResponse: { shipment: [{ inquiryNumber: '1ZLEAD', package: [{ trackingNumber: '1ZA', activity }, { trackingNumber: '1ZB', activity }] }] } });
    expect(results.map((r) => r.trackingNumber)).toEqual(['1ZA', '1ZB']);
  });
});

describe('UPS parser robustness (property)', () => {
  it('never throws on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => isTypedOutcome(parseUpsTrackResponse(value, '1Z999'))),
      { numRuns: 500 },
    );
  });

  it('never throws on random JSON wearing a UPS envelope', () => {
    const envelope = fc.jsonValue().map((pkg) => ({ trackResponse: { shipment: [{ package: [pkg] }] } }));
    const activities = fc.array(fc.dictionary(fc.constantFrom('date', 'time', 'gmtDate', 'gmtTime', 'gmtOffset', 'status', 'location'), fc.jsonValue()));
    const withActivities = activities.map((activity) => ({ trackResponse: { shipment: [{ package: [{ activity }] }] } }));
    fc.assert(fc.property(fc.oneof(envelope, withActivities), (value) => isTypedOutcome(parseUpsTrackResponse(value, '1Z999'))), { numRuns: 500 });
  });

  itNeverThrowsOnDamaged(TRACK_FIXTURES, {
    fixtures,
    parseText: (text) => parseUpsTrackText(text, '1Z999'),
    parseBody: (body) => parseUpsTrackResponse(body, '1Z999'),
  });
});
