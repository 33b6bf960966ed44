// The /v1 body-size limit over real HTTP: a declared Content-Length above the limit is refused
// before the body is read; a chunked body (no length) is counted as it arrives.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

const LIMIT = 4096;
let t: TestContext;
let port: number;
let closeServer: () => void;

beforeAll(async () => {
  t = await createTestContext({ env: { MAX_BODY_BYTES: String(LIMIT) } });
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
function post(path: string, chunks: string[], declaredLength?: number): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' };
    if (declaredLength !== undefined) headers['content-length'] = declaredLength;
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : null }));
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

  it('lets GET through without looking for a body', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/orders`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(res.status).toBe(200);
  });
});
