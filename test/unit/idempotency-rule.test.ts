// Which answers an Idempotency-Key keeps, and what makes two requests the same one
// (api/middleware.ts): pure rules, checked here without a database.
import { describe, expect, it } from 'vitest';
import { claimTimeOf, IDEMPOTENCY_CLAIM_ABANDONED_MS, isAbandonedClaim } from '../../src/api/idempotency-keys.js';
import { bodyMeaning, isKeptAnswer, mediaTypeOf, replayedHeadersOf, reuseProblem } from '../../src/api/middleware.js';

describe('isKeptAnswer', () => {
  const answer = (status: number, errorCode?: string, routeMatched = true) => isKeptAnswer({ status, errorCode, routeMatched });

  it('keeps successes and the endpoint’s own refusals of a request it ran', () => {
    expect(answer(200)).toBe(true);
    expect(answer(201)).toBe(true);
    expect(answer(409, 'conflict')).toBe(true);
    expect(answer(409, 'invalid_transition')).toBe(true);
    expect(answer(409, 'carrier_not_connected')).toBe(true);
    expect(answer(404, 'not_found', true)).toBe(true);
  });

  it('keeps no refusal that asks to come back later (Retry-After): the retry must run', () => {
    expect(isKeptAnswer({ status: 409, errorCode: 'conflict', routeMatched: true, retryAfter: true })).toBe(false);
    expect(isKeptAnswer({ status: 201, errorCode: undefined, routeMatched: true, retryAfter: true })).toBe(true);
  });

  it('keeps no refusal of the request as sent, and no 5xx', () => {
    for (const [status, code] of [
      [400, 'malformed_json'],
      [400, 'bad_request'],
      [401, 'unauthorized'],
      [413, 'payload_too_large'],
      [415, 'unsupported_media_type'],
      [422, 'validation_failed'],
      [429, 'rate_limited'],
      [500, 'internal'],
      [502, 'carrier_error'],
      [503, 'unavailable'],
    ] as const) {
      expect(answer(status, code), code).toBe(false);
    }
    expect(answer(404, 'not_found', false)).toBe(false);
  });
});

describe('bodyMeaning', () => {
  it('reads JSON as its canonical form: key order and whitespace do not count', () => {
    const compact = bodyMeaning('application/json', '{"b":1,"a":{"y":[1,2],"x":null}}');
    expect(bodyMeaning('application/json; charset=utf-8', '{\n  "a": { "x": null, "y": [1, 2] },\n  "b": 1\n}')).toEqual(compact);
    expect(bodyMeaning('application/json', '{"a":{"x":null,"y":[2,1]},"b":1}')).not.toEqual(compact);
  });

  it('keeps anything else as sent', () => {
    expect(bodyMeaning('text/csv', 'order,tracking\n1, 2\n').toString()).toBe('order,tracking\n1, 2\n');
    expect(bodyMeaning('application/json', '{"a": ').toString()).toBe('{"a": ');
    expect(bodyMeaning(undefined, '').length).toBe(0);
  });

  it('tells apart bodies that are not UTF-8 by their bytes (two Windows-1252 files decode to the same replacement characters)', () => {
    const cafeAcute = new Uint8Array(Buffer.from('id,title\n1,Caf\xe9\n', 'latin1'));
    const cafeGrave = new Uint8Array(Buffer.from('id,title\n1,Caf\xe8\n', 'latin1'));
    expect(Buffer.from(cafeAcute).toString('utf8')).toBe(Buffer.from(cafeGrave).toString('utf8'));
    expect(bodyMeaning('text/csv', cafeAcute).equals(bodyMeaning('text/csv', cafeGrave))).toBe(false);
    expect(bodyMeaning('text/csv', cafeAcute)).toEqual(Buffer.from(cafeAcute));
  });
});

describe('reuseProblem', () => {
  const first = { method: 'POST', path: '/v1/orders', content_type: 'application/json', request_hash: 'h1' };
  const json = { method: 'POST', path: '/v1/orders', mediaType: 'application/json' };

  it('names the first use and what differs', () => {
    expect(reuseProblem('k', first, { ...json, hash: 'h1' })).toBeNull();
    expect(reuseProblem('k', first, { ...json, hash: 'h2' })).toBe(
      'Idempotency-Key "k" was first used for POST /v1/orders with another body; send that body again to get its answer, or use a new key',
    );
    expect(reuseProblem('k', first, { ...json, path: '/v1/events/batch', hash: 'h1' })).toBe(
      'Idempotency-Key "k" was first used for POST /v1/orders, not POST /v1/events/batch; use a new key for another request',
    );
  });

  it('tells apart the same bytes sent with another media type or charset, and names both', () => {
    const csv = { method: 'POST', path: '/v1/shipments/import', content_type: 'text/csv; charset=windows-1252', request_hash: 'h1' };
    const retry = { method: 'POST', path: '/v1/shipments/import', hash: 'h1' };
    expect(reuseProblem('k', csv, { ...retry, mediaType: 'text/csv; charset=windows-1252' })).toBeNull();
    expect(reuseProblem('k', csv, { ...retry, mediaType: 'text/csv; charset=utf-8' })).toBe(
      'Idempotency-Key "k" was first used for POST /v1/shipments/import with Content-Type "text/csv; charset=windows-1252", not Content-Type "text/csv; charset=utf-8"; send the body as it was first sent to get its answer, or use a new key',
    );
    expect(reuseProblem('k', { ...csv, content_type: '' }, { ...retry, mediaType: 'text/csv' })).toMatch(/with no body, not Content-Type "text\/csv"/);
    // A key kept before media types were is compared by its path and body only.
    expect(reuseProblem('k', { ...csv, content_type: null }, { ...retry, mediaType: 'text/csv; charset=utf-8' })).toBeNull();
  });
});

describe('mediaTypeOf', () => {
  it('keeps a CSV’s charset, by the name of its encoding', () => {
    expect(mediaTypeOf('text/csv', true)).toBe('text/csv');
    expect(mediaTypeOf('Text/CSV; charset="UTF-8"', true)).toBe('text/csv; charset=utf-8');
    expect(mediaTypeOf('text/csv; charset=utf8', true)).toBe('text/csv; charset=utf-8');
    for (const label of ['windows-1252', 'ISO-8859-1', 'latin1', 'cp1252']) expect(mediaTypeOf(`text/csv; charset=${label}`, true)).toBe('text/csv; charset=windows-1252');
    expect(mediaTypeOf('text/csv; charset=ebcdic-klingon', true)).toBe('text/csv; charset=ebcdic-klingon');
  });

  it('reads JSON as UTF-8 whatever its charset, and a request without a body as having no type', () => {
    expect(mediaTypeOf('application/json', true)).toBe('application/json');
    expect(mediaTypeOf('application/json; charset=utf-8', true)).toBe('application/json');
    expect(mediaTypeOf('application/json', false)).toBe('');
    expect(mediaTypeOf(undefined, false)).toBe('');
  });
});

describe('isAbandonedClaim', () => {
  const claimedAt = '2026-03-02T15:00:00.000Z';
  const after = (ms: number) => new Date(Date.parse(claimedAt) + ms);

  it('counts a claim as its request still running for longer than any request runs, then as cut off', () => {
    expect(IDEMPOTENCY_CLAIM_ABANDONED_MS).toBe(10 * 60_000);
    expect(isAbandonedClaim(claimedAt, after(0))).toBe(false);
    expect(isAbandonedClaim(claimedAt, after(IDEMPOTENCY_CLAIM_ABANDONED_MS - 1))).toBe(false);
    expect(isAbandonedClaim(claimedAt, after(IDEMPOTENCY_CLAIM_ABANDONED_MS))).toBe(true);
  });

  it('never counts a claim it cannot date as cut off (the key then waits out its 24 hours)', () => {
    expect(isAbandonedClaim('', after(IDEMPOTENCY_CLAIM_ABANDONED_MS))).toBe(false);
  });

  it('dates a claim made before claims were dated by when the key was first used', () => {
    expect(claimTimeOf({ claimed_at: '', created_at: claimedAt })).toBe(claimedAt);
    expect(claimTimeOf({ claimed_at: '2026-03-02T15:05:00.000Z', created_at: claimedAt })).toBe('2026-03-02T15:05:00.000Z');
  });
});

describe('replayedHeadersOf', () => {
  it('keeps the headers of the answer itself, and none of its delivery', () => {
    const headers = new Headers({
      'Content-Type': 'application/json; charset=UTF-8',
      Location: '/v1/imports/imp_01jd0000000000000000000000',
      'Retry-After': '5',
      'X-Request-Id': 'req-1',
      Date: 'Mon, 02 Mar 2026 15:00:00 GMT',
      'Set-Cookie': 'a=b',
      'Content-Length': '42',
      Connection: 'keep-alive',
    });
    expect(replayedHeadersOf(headers)).toEqual({ 'content-type': 'application/json; charset=UTF-8', location: '/v1/imports/imp_01jd0000000000000000000000', 'retry-after': '5' });
    expect(replayedHeadersOf(new Headers())).toEqual({});
  });
});
