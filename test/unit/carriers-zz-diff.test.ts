// TEMPORARY differential check old (HEAD) vs new; deleted before hand-off.
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as newUps from '../../src/carriers/ups/parse.js';
import * as oldUps from '/tmp/wb/src/carriers/ups/parse.js';
import * as newFedex from '../../src/carriers/fedex/parse.js';
import * as oldFedex from '/tmp/wb/src/carriers/fedex/parse.js';
import * as newUsps from '../../src/carriers/usps/parse.js';
import * as oldUsps from '/tmp/wb/src/carriers/usps/parse.js';
import * as newDhl from '../../src/carriers/dhl/parse.js';
import * as oldDhl from '/tmp/wb/src/carriers/dhl/parse.js';
import { pathsOf, replaceAt } from './helpers/carrier-tests.js';

const fx = (c: string) => readdirSync(`/work/main/test/fixtures/carriers/${c}`).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(`/work/main/test/fixtures/carriers/${c}/${f}`, 'utf8')));
const diffs: Record<string, unknown[]> = {};
function same(label: string, a: unknown, b: unknown) {
  if (JSON.stringify(a) !== JSON.stringify(b)) (diffs[label] ??= []).push({ a, b });
}
const mutate = (bodies: unknown[]) => fc.tuple(fc.constantFrom(...bodies), fc.nat(), fc.option(fc.jsonValue(), { nil: undefined })).map(([b, i, r]) => { const ps = pathsOf(b); return ps.length ? replaceAt(b, ps[i % ps.length]!, r) : b; });

const dateStr = fc.date({ min: new Date('1960-01-01'), max: new Date('2040-01-01'), noInvalidDate: true });
const country = fc.constantFrom('US', 'CA', 'DE', 'GB', 'ES', 'MX', 'NZ', 'CL', 'IS', 'UA', 'EG', 'AQ', 'XX', '', 'us', 'de ');
const state = fc.constantFrom('NY', 'CA', 'TX', 'AZ', 'ON', 'BC', 'XX', '', 'constructor', 'CONSTRUCTOR');

describe('differential', () => {
  it('ups', () => {
    const upsActivity = fc.record({ d: dateStr, gmt: fc.boolean(), off: fc.constantFrom('-05:00', '-05.00', '+5', '', '-0400', 'x'), country, state, loc: fc.boolean() }).map(({ d, gmt, off, country, state, loc }) => {
      const iso = d.toISOString();
      const date = iso.slice(0, 10).replaceAll('-', ''), time = iso.slice(11, 19).replaceAll(':', '');
      return { date, time, ...(gmt ? { gmtDate: date, gmtTime: time, gmtOffset: off } : {}), ...(loc ? { location: { address: { countryCode: country, stateProvince: state } } } : {}), status: { type: 'I', code: 'AR', statusCode: '005' } };
    });
    const body = fc.array(upsActivity, { maxLength: 5 }).map((activity) => ({ trackResponse: { shipment: [{ package: [{ activity, deliveryDate: [{ type: 'SDD', date: '20240301' }], packageAddress: [{ type: 'DESTINATION', address: { countryCode: 'US', stateProvince: 'CO' } }] }] }] } }));
    fc.assert(fc.property(fc.oneof(body, mutate(fx('ups')), fc.jsonValue()), (b) => { same('ups', oldUps.parseUpsTrackResponse(b, '1Z'), newUps.parseUpsTrackResponse(b, '1Z')); }), { numRuns: 3000 });
    for (const t of ['{', 'x', '{"trackResponse":1}']) same('upsText', oldUps.parseUpsTrackText(t, '1Z'), newUps.parseUpsTrackText(t, '1Z'));
  });
  it('fedex', () => {
    fc.assert(fc.property(fc.oneof(mutate(fx('fedex')), fc.jsonValue()), fc.array(fc.constantFrom('776094337676', '1', '2')), (b, req) => { same('fedex', oldFedex.parseFedexTrackResponse(b, req), newFedex.parseFedexTrackResponse(b, req)); }), { numRuns: 3000 });
  });
  it('usps', () => {
    const ts = fc.oneof(dateStr.map((d) => d.toISOString().slice(0, 19)), dateStr.map((d) => d.toISOString()), fc.constantFrom('2024-01-01T10:00:00-7:00', '2024-01-01T10:00:00+0100', '2024-01-01 10:00', 'x'));
    const ev = fc.record({ eventCode: fc.constantFrom('OF', '01', 'XX'), eventTimestamp: ts, GMTTimestamp: fc.option(ts), GMTOffset: fc.constantFrom('-05:00', '-7:00', ' -06:00 ', '+5', 'Z', 'x', '') });
    const body = fc.record({ trackingNumber: fc.constant('9400'), trackingEvents: fc.array(ev, { maxLength: 4 }), expectedDeliveryTimeStamp: fc.option(ts), predictedDeliveryDate: fc.option(fc.constantFrom('2024-03-01', 'x')) });
    fc.assert(fc.property(fc.oneof(body, mutate(fx('usps')), fc.jsonValue()), (b) => { same('usps', oldUsps.parseUspsTracking('9400', b), newUsps.parseUspsTracking('9400', b)); }), { numRuns: 3000 });
  });
  it('dhl', () => {
    const ts = fc.oneof(dateStr.map((d) => d.toISOString().slice(0, 19)), dateStr.map((d) => d.toISOString()), fc.constantFrom('2024-01-01T10:00:00+1:00', '2024-01-01T10:00:00+0100', '2024-03-31T02:30:00', '2024-10-27T02:30:00', '1850-06-01T12:00:00', 'x'));
    const ev = fc.record({ timestamp: ts, statusCode: fc.constantFrom('pre-transit', 'transit', 'delivered', 'unknown'), location: fc.record({ address: fc.record({ countryCode: country }) }) });
    const body = fc.record({ id: fc.constant('X'), origin: fc.record({ address: fc.record({ countryCode: country }) }), destination: fc.record({ address: fc.record({ countryCode: country }) }), events: fc.array(ev, { maxLength: 4 }), estimatedTimeOfDelivery: fc.option(ts) }).map((s) => ({ shipments: [s] }));
    fc.assert(fc.property(fc.oneof(body, mutate(fx('dhl')), fc.jsonValue()), (b) => { same('dhl', oldDhl.parseDhlTracking('X', b), newDhl.parseDhlTracking('X', b)); }), { numRuns: 3000 });
    for (const t of ['{', 'x']) same('dhlText', oldDhl.decodeJsonBody(t), newDhl.decodeJsonBody(t));
  });
  it('report', () => {
    for (const [k, v] of Object.entries(diffs)) console.log(k, v.length, JSON.stringify(v.slice(0, 3)).slice(0, 3000));
    expect(true).toBe(true);
  });
});
