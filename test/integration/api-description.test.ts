// /openapi.json and /docs describe what the /v1 middleware does, not only what each route's handler
// answers: every answer the generic layers give (a missing key, a body too large or of another type,
// malformed JSON, a reused or running Idempotency-Key) is listed on every operation that can get it,
// which one contract test checks by asking the server; /docs links the schemas it names and shows
// code spans as code. Also /docs/ and /openapi.json/, and the favicon browsers ask for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../harness/harness.js';
import { REPLAYED_HEADERS, requestHashOf } from '../../src/api/middleware.js';

type Response = { description: string; content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> };
type Parameter = { name: string; in: string; required?: boolean; schema?: { type?: string; example?: string; enum?: string[] }; example?: string; description?: string };
type Operation = { requestBody?: { content: Record<string, unknown> }; responses: Record<string, Response>; parameters?: Parameter[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
type Described = { name: string; method: string; path: string; op: Operation };

const MAX_BODY_BYTES = 4096;
let t: TestContext;
let operations: Described[];
let schemas: Doc['components']['schemas'];
beforeAll(async () => {
  t = await createTestContext({ env: { MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  const doc = (await (await t.app.request('/openapi.json')).json()) as Doc;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, method, path, op })));
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
      // The 415 names every type the operation takes.
      for (const type of Object.keys(op.requestBody!.content)) expect(op.responses['415']!.description, `${name} 415`).toContain(type);
    }
    expect(schemas).toHaveProperty('Error');
    // A route's own wording of a status comes first, then what the middleware adds: the imports'
    // 415 is also an unreadable charset.
    for (const name of ['post /shipments/import', 'post /catalogue/import']) {
      expect(operations.find((o) => o.name === name)!.op.responses['415']!.description).toMatch(/^The text\/csv body’s `charset`.*; or the body is not sent as application\/json or text\/csv \(`unsupported_media_type`\)$/);
    }
    expect(operations.find((o) => o.name === 'post /orders')!.op.responses['415']!.description).toMatch(/application\/json.*unsupported_media_type/);
    expect(operations.find((o) => o.name === 'post /orders')!.op.responses['409']!.description).toMatch(/^Order number used by a different order; or a request with this Idempotency-Key is still running \(`idempotency_key_in_use`\)/);
    expect(operations.find((o) => o.name === 'post /shipments/{shipmentId}/refresh')!.op.responses['415']!.description).toMatch(/takes no body/);
  });

  it('declares the optional Idempotency-Key header on every POST, and on nothing else, with what it can be answered', async () => {
    expect(operations.filter((o) => o.method === 'post').length).toBeGreaterThan(20);
    for (const { name, method, op } of operations) {
      const header = idempotencyKeyOf(op);
      if (method !== 'post') {
        expect(header, name).toBeUndefined();
        continue;
      }
      expect(header, name).toMatchObject({ required: false, schema: { type: 'string' } });
      expect(header!.description, name).toMatch(/24 hours.*Idempotent-Replayed: true.*422 `idempotency_key_reused`/);
      // What the key can be answered with, said under each status, after the route's own wording.
      expect(op.responses['400']?.description, name).toMatch(/Idempotency-Key is empty or longer than 255 characters \(`bad_request`\)/);
      expect(op.responses['409']?.description, name).toMatch(/still running \(`idempotency_key_in_use`\): retry shortly; a request cut off before it answered frees the key 10 minutes after it began/);
      expect(header!.description, name).toMatch(/a retry 10 minutes or more after a first request that never answered \(cut off by a crash or a restart\) runs instead/);
      expect(op.responses['422']?.description, name).toMatch(/first used with another body, Content-Type or path \(`idempotency_key_reused`\)/);
    }
  });

  it('declares no header on a POST’s answer that a replay under its Idempotency-Key would leave out', async () => {
    const declared = operations.filter((o) => o.method === 'post').flatMap(({ name, op }) => Object.values(op.responses).flatMap((r) => Object.keys(r.headers ?? {}).map((header) => ({ name, header }))));
    expect(declared).toContainEqual({ name: 'post /shipments/import', header: 'Location' });
    for (const { name, header } of declared) expect(REPLAYED_HEADERS, `${name}: ${header}`).toContain(header.toLowerCase());
  });

  it('lists, on every operation it describes, each answer the generic layers give it, as the server answers', async () => {
    const problems: string[] = [];
    const sent = new Map<string, number>();
    for (const operation of operations) {
      for (const probe of PROBES.filter((p) => p.appliesTo(operation))) {
        const answer = await probe.send(operation);
        sent.set(probe.name, (sent.get(probe.name) ?? 0) + 1);
        const said = `${operation.name}: ${probe.name} is answered ${answer.status} ${answer.code}`;
        if (answer.code !== probe.code) problems.push(`${said}, not ${probe.code}`);
        else if (!(String(answer.status) in operation.op.responses)) problems.push(`${said}, a status it does not list`);
      }
    }
    expect(problems).toEqual([]);
    // Every probe was sent where it belongs: POSTs, bodies and the rest are all there to ask.
    for (const probe of PROBES) expect(sent.get(probe.name), probe.name).toBeGreaterThan(5);
  });
});

/**
 * A request one of the generic layers (api/body-limit.ts, authenticate, requireJsonBodies, the
 * JSON validator, idempotency) refuses before any handler runs, and the error code it answers.
 */
type Probe = { name: string; appliesTo(operation: Described): boolean; code: string; send(operation: Described): Promise<{ status: number; code: string | undefined }> };

const JSON_TYPE = { 'content-type': 'application/json' };
/** fetch sends no body with GET or HEAD; every other method may carry one. */
const carriesBody = ({ method }: Described) => method !== 'get' && method !== 'head';
const writes = ({ method }: Described) => ['post', 'put', 'patch'].includes(method);
const isPost = ({ method }: Described) => method === 'post';

const PROBES: Probe[] = [
  { name: 'no API key', appliesTo: () => true, code: 'unauthorized', send: (o) => send(o, { authorization: undefined }) },
  { name: 'a wrong API key', appliesTo: () => true, code: 'unauthorized', send: (o) => send(o, { authorization: 'Bearer not-a-key' }) },
  { name: 'a body over MAX_BODY_BYTES', appliesTo: carriesBody, code: 'payload_too_large', send: (o) => send(o, { body: JSON.stringify({ padding: 'x'.repeat(MAX_BODY_BYTES) }) }) },
  { name: 'a text/plain body', appliesTo: writes, code: 'unsupported_media_type', send: (o) => send(o, { body: 'plain words', headers: { 'content-type': 'text/plain' } }) },
  { name: 'a JSON body that does not parse', appliesTo: ({ op }) => 'application/json' in (op.requestBody?.content ?? {}), code: 'malformed_json', send: (o) => send(o, { body: '{"unclosed": ' }) },
  { name: 'an Idempotency-Key too long', appliesTo: isPost, code: 'bad_request', send: (o) => send(o, { body: '{}', headers: { 'idempotency-key': 'k'.repeat(256) } }) },
  { name: 'an Idempotency-Key first used with another body', appliesTo: isPost, code: 'idempotency_key_reused', send: (o) => sendWithClaimedKey(o, { requestHash: 'the first request', statusCode: 200 }) },
  { name: 'an Idempotency-Key whose first request still runs', appliesTo: isPost, code: 'idempotency_key_in_use', send: (o) => sendWithClaimedKey(o, { statusCode: 0 }) },
];

/** The operation's path under /v1, each path parameter filled with a value it takes (its example, or its first enum value). */
function urlOf({ path, op }: Described): string {
  const valueOf = (name: string) => {
    const parameter = op.parameters?.find((p) => p.in === 'path' && p.name === name);
    return parameter?.example ?? parameter?.schema?.example ?? parameter?.schema?.enum?.[0] ?? 'x';
  };
  return `/v1${path.replace(/\{(\w+)\}/g, (_, name: string) => valueOf(name))}`;
}

/** Sends the operation's request with the test brand's key, or `authorization` (undefined: none); a body goes as JSON unless `headers` say otherwise. */
async function send(operation: Described, request: { authorization?: string; body?: string; headers?: Record<string, string> }) {
  const authorization = 'authorization' in request ? request.authorization : `Bearer ${t.apiKey}`;
  const body = request.body ?? (carriesBody(operation) ? '{}' : undefined);
  const headers = { ...(authorization ? { authorization } : {}), ...(body !== undefined ? JSON_TYPE : {}), ...request.headers };
  const response = await t.app.request(urlOf(operation), { method: operation.method.toUpperCase(), headers, body });
  const json = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
  return { status: response.status, code: json?.error?.code };
}

let claimedKeys = 0;

/** Sends `{}` with an Idempotency-Key claimed as a first request would have: answered (`statusCode`) or still running (0). */
async function sendWithClaimedKey(operation: Described, claim: { requestHash?: string; statusCode: number }) {
  const key = `contract-${(claimedKeys += 1)}`;
  const request = { method: operation.method.toUpperCase(), path: urlOf(operation), contentType: JSON_TYPE['content-type'], body: '{}' };
  await t.deps.db
    .insertInto('idempotency_keys')
    .values({
      brand_id: t.brand.id,
      key,
      method: request.method,
      path: request.path,
      request_hash: claim.requestHash ?? requestHashOf(request),
      status_code: claim.statusCode,
      response_body: claim.statusCode === 0 ? '' : '{}',
      created_at: t.clock.now().toISOString(),
    })
    .execute();
  return send(operation, { body: request.body, headers: { 'idempotency-key': key } });
}

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

  it('is where /docs/ leads, as /openapi.json/ leads to /openapi.json', async () => {
    for (const address of ['/docs', '/openapi.json']) {
      const res = await t.app.request(`${address}/?from=old-link`);
      expect(res.status, address).toBe(301);
      expect(res.headers.get('location'), address).toBe(`${address}?from=old-link`);
    }
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
