// The body-size limits over real HTTP: a declared Content-Length above the limit is refused
// before the body is read; a chunked body (no length) is counted as it arrives. /v1 has
// MAX_BODY_BYTES, webhooks INBOUND_WEBHOOK_MAX_BYTES, the public pages' forms a small fixed limit.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { PUBLIC_FORM_MAX_BYTES } from '../../src/app.js';

const LIMIT = 4096;
const WEBHOOK_LIMIT = 8192;
let t: TestContext;
let port: number;
let closeServer: () => void;

beforeAll(async () => {
  t = await createTestContext({ env: { MAX_BODY_BYTES: String(LIMIT), INBOUND_WEBHOOK_MAX_BYTES: String(WEBHOOK_LIMIT) } });
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as AddressInfo).port;
  closeServer = () => server.close();
});
afterAll(async () => {
  closeServer?.();
  await t?.close();
});

/** Sends `chunks` as the body: with a Content-Length header when `declaredLength` is given, chunked otherwise. */
function post(path: string, chunks: string[], declaredLength?: number, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${t.apiKey}`, 'content-type': contentType };
    if (declaredLength !== undefined) headers['content-length'] = declaredLength;
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, json: text && res.headers['content-type']?.startsWith('application/json') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    // The server may answer (413) before the whole body is sent; writing on is harmless.
    const writeNext = (i: number) => {
      if (i === chunks.length) return void req.end();
      req.write(chunks[i], () => setImmediate(() => writeNext(i + 1)));
    };
    writeNext(0);
  });
}

describe('body size limit', () => {
  it('accepts a body within the limit, with a Content-Length or chunked', async () => {
    const withLength = JSON.stringify(orderBody());
    expect((await post('/v1/orders', [withLength], Buffer.byteLength(withLength))).status).toBe(201);
    const chunked = JSON.stringify(orderBody());
    const res = await post('/v1/orders', [chunked.slice(0, 40), chunked.slice(40, 200), chunked.slice(200)]);
    expect(res.status).toBe(201);
    expect(res.json.number).toBe(JSON.parse(chunked).number);
  });

  it('refuses a declared Content-Length above the limit with 413 and the error body', async () => {
    const body = JSON.stringify({ ...orderBody(), padding: 'x'.repeat(LIMIT) });
    const res = await post('/v1/orders', [body], Buffer.byteLength(body));
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ code: 'payload_too_large', message: `the body is larger than ${LIMIT} bytes` });
    expect(res.json.error.requestId).toMatch(/\S/);
  });

  it('counts a chunked body and refuses it once it passes the limit', async () => {
    const piece = 'x'.repeat(1000);
    const chunks = ['{"padding":"', piece, piece, piece, piece, piece, '"}'];
    const res = await post('/v1/orders', chunks);
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('payload_too_large');
    const stored = await t.deps.db.selectFrom('orders').select('id').execute();
    expect(stored).toHaveLength(2); // the two accepted above, nothing from the refused ones
  });

  it('limits the public forms and the webhooks too: a lookup form of 200 KB, a return form, an unsubscribe, a Twilio callback', async () => {
    const form = 'application/x-www-form-urlencoded';
    const huge = `order=${'A'.repeat(PUBLIC_FORM_MAX_BYTES)}&contact=x`;
    // People get a page saying so, not the API's JSON.
    for (const path of ['/track/anything', '/track', '/t/some-token/return', '/u/some-token']) {
      const declared = await post(path, [huge], Buffer.byteLength(huge), form);
      expect(declared.status, path).toBe(413);
      expect(declared.json, path).toContain('<h1>What you sent is too large</h1>');
      const chunked = await post(path, ['order=', 'A'.repeat(40_000), 'A'.repeat(40_000), '&contact=x'], undefined, form);
      expect(chunked.status, path).toBe(413);
      expect(chunked.json, path).toContain('Go back, shorten what you typed, and send it again.');
    }
    // The return form of a French customer's order answers in French, in the brand's look.
    const order = (await t.request('POST', '/v1/orders', orderBody({ customer: { email: 'grand@example.com', locale: 'fr' } }))).json;
    const returnPath = `${new URL(order.trackingPageUrl).pathname}/return`;
    for (const answer of [await post(returnPath, [huge], Buffer.byteLength(huge), form), await post(returnPath, ['q.TEE-1=1&comment=', 'x'.repeat(40_000), 'x'.repeat(40_000)], undefined, form)]) {
      expect(answer.status).toBe(413);
      expect(answer.json).toContain('<html lang="fr"');
      expect(answer.json).toContain('Ce que vous avez envoyé est trop volumineux');
      expect(answer.json).toContain('Test Brand');
    }
    // A form of a normal size is read as before: an unknown brand's lookup is a 404 page, not a 413.
    const small = await post('/track/anything', ['order=NW-1&contact=78701'], undefined, form);
    expect(small.status).toBe(404);
    const callback = `MessageSid=SM1&MessageStatus=delivered&Padding=${'x'.repeat(WEBHOOK_LIMIT)}`;
    const twilio = await post('/webhooks/twilio/brd_x/status', [callback], Buffer.byteLength(callback), form);
    expect(twilio.status).toBe(413);
    expect(twilio.json.error.code).toBe('payload_too_large');
    // A callback within the limit is read and checked (it carries no signature: 403).
    const fine = await post('/webhooks/twilio/brd_x/status', ['MessageSid=SM1&MessageStatus=delivered'], undefined, form);
    expect(fine.status).toBe(403);
  });

  it('lets GET through without looking for a body', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/orders`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(res.status).toBe(200);
  });
});
