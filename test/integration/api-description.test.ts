// /openapi.json and /docs describe what the /v1 middleware does, not only what each route's handler
// answers: the 413 and 415 every body can get and the Idempotency-Key every POST takes; /docs links
// the schemas it names and shows code spans as code. Also /docs/, and the favicon browsers ask for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

type Response = { description: string; content?: Record<string, { schema: { $ref?: string } }> };
type Parameter = { name: string; in: string; required?: boolean; schema?: { type?: string }; description?: string };
type Operation = { requestBody?: { content: Record<string, unknown> }; responses: Record<string, Response>; parameters?: Parameter[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const MAX_BODY_BYTES = 4096;
let t: TestContext;
let operations: Array<{ name: string; method: string; op: Operation }>;
let schemas: Doc['components']['schemas'];
beforeAll(async () => {
  t = await createTestContext({ env: { MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  const doc = (await (await t.app.request('/openapi.json')).json()) as Doc;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, method, op })));
  schemas = doc.components.schemas;
});
afterAll(async () => t?.close());

const idempotencyKeyOf = (op: Operation) => op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');

describe('/openapi.json', () => {
  it('lists 413 and 415, with the error body, on every operation that takes a body', async () => {
    const withBody = operations.filter(({ op }) => op.requestBody);
    expect(withBody.length).toBeGreaterThan(25);
    for (const { name, op } of withBody) {
      for (const status of ['413', '415']) {
        const ref = op.responses[status]?.content?.['application/json']?.schema.$ref;
        expect(ref, `${name} ${status}`).toBe('#/components/schemas/Error');
      }
    }
    expect(schemas).toHaveProperty('Error');
    // A route's own wording wins: the imports' 415 names the charset problem.
    expect(operations.find((o) => o.name === 'post /shipments/import')!.op.responses['415']!.description).toMatch(/charset/);
    expect(operations.find((o) => o.name === 'post /orders')!.op.responses['415']!.description).toMatch(/application\/json.*unsupported_media_type/);
  });

  it('lists them because POST /v1/orders does answer them', async () => {
    const asText = await t.request('POST', '/v1/orders', JSON.stringify(orderBody()), { 'content-type': 'text/plain' });
    expect([asText.status, asText.json.error.code]).toEqual([415, 'unsupported_media_type']);
    const tooLarge = await t.request('POST', '/v1/orders', orderBody({ padding: 'x'.repeat(MAX_BODY_BYTES) }));
    expect([tooLarge.status, tooLarge.json.error.code]).toEqual([413, 'payload_too_large']);
  });

  it('declares the optional Idempotency-Key header on every POST, and on nothing else', async () => {
    expect(operations.filter((o) => o.method === 'post').length).toBeGreaterThan(20);
    for (const { name, method, op } of operations) {
      const header = idempotencyKeyOf(op);
      if (method !== 'post') {
        expect(header, name).toBeUndefined();
        continue;
      }
      expect(header, name).toMatchObject({ required: false, schema: { type: 'string' } });
      expect(header!.description, name).toMatch(/24 hours.*Idempotent-Replayed: true.*422 `idempotency_key_reused`/);
    }
  });
});

describe('/docs', () => {
  it('links each schema it names to that schema’s section', async () => {
    const html = await (await t.app.request('/docs')).text();
    expect(html).toContain('<code><a href="#schema-CreateOrder">CreateOrder</a></code>');
    const linked = new Set([...html.matchAll(/href="#schema-([^"]+)"/g)].map((m) => m[1]!));
    const sections = new Set([...html.matchAll(/<section id="schema-([^"]+)"/g)].map((m) => m[1]!));
    expect(linked.size).toBeGreaterThan(10);
    expect([...linked].filter((name) => !sections.has(name))).toEqual([]);
  });

  it('shows the description’s code spans as code, with no backtick left', async () => {
    const html = await (await t.app.request('/docs')).text();
    expect(html).toContain('POSTs honour <code>Idempotency-Key</code>');
    expect([...html.matchAll(/.{0,40}`.{0,40}/g)].map((m) => m[0])).toEqual([]);
  });

  it('is where /docs/ leads', async () => {
    const res = await t.app.request('/docs/?from=old-link');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/docs?from=old-link');
  });
});

describe('/favicon.ico', () => {
  it('is no content, cached for long, not a 404', async () => {
    const res = await t.app.request('/favicon.ico');
    expect(res.status).toBe(204);
    expect(res.headers.get('cache-control')).toMatch(/max-age=31536000/);
    expect(await res.text()).toBe('');
  });
});
