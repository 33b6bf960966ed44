// The /docs page drawn from a small OpenAPI document: named schemas link to their sections, prose
// shows its `code spans` as code, and everything else the document says is escaped.
import { describe, expect, it } from 'vitest';
import { renderApiReference } from '../../src/api/reference-page.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const page = renderApiReference({
  info: { title: 'Test API', version: '1', description: 'Send `Idempotency-Key` <b>once</b>; a lone ` stays' },
  paths: {
    '/things': {
      post: {
        summary: 'Make a `thing`',
        parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string' }, description: 'Replayed with `Idempotent-Replayed: true`' }],
        requestBody: { content: { 'application/json': { schema: ref('CreateThing') } } },
        responses: { 415: { description: 'Not `application/json`' } },
      },
    },
  },
  components: {
    schemas: {
      CreateThing: { type: 'object', properties: { parts: { type: 'array', items: ref('Part') }, owner: { anyOf: [ref('Owner'), { type: 'null' }] }, code: { type: 'string', pattern: '^`x`$', description: 'A `code`' } } },
      Part: { type: 'object', properties: { name: { type: 'string' } } },
      Owner: { type: 'object', properties: { id: { type: 'string' } } },
    },
  },
});

describe('the API reference page', () => {
  it('links a named schema, in a body, an array or an alternative, to its section', () => {
    expect(page).toContain('<p><code><a href="#schema-CreateThing">CreateThing</a></code></p>');
    expect(page).toContain('<td><a href="#schema-Part">Part</a>[]</td>');
    expect(page).toContain('<td><a href="#schema-Owner">Owner</a> | null</td>');
    for (const name of ['CreateThing', 'Part', 'Owner']) expect(page).toContain(`<section id="schema-${name}">`);
  });

  it('shows code spans as code in every piece of prose, and escapes the rest', () => {
    expect(page).toContain('<p>Send <code>Idempotency-Key</code> &lt;b&gt;once&lt;/b&gt;; a lone ` stays</p>');
    expect(page).toContain('Make a <code>thing</code>');
    expect(page).toContain('Replayed with <code>Idempotent-Replayed: true</code>');
    expect(page).toContain('<code>415</code> Not <code>application/json</code>');
    // A field's description is prose; its pattern is shown as written.
    expect(page).toContain('A <code>code</code>; pattern ^`x`$');
  });
});
