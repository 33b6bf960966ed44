/** @jsxImportSource hono/jsx */
// /docs: a readable API reference rendered on the server from the OpenAPI document itself,
// so it can never drift from the API and needs no script or third-party asset.

type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]; description?: string; anyOf?: Schema[]; oneOf?: Schema[]; format?: string; pattern?: string; minimum?: number; maximum?: number; maxLength?: number; default?: unknown };
type Doc = { info: { title: string; description?: string; version: string }; paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
type Operation = { summary?: string; tags?: string[]; parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema; description?: string }>; requestBody?: { content: Record<string, { schema: Schema }> }; responses?: Record<string, { description?: string }> };

const refName = (ref: string) => ref.split('/').pop() ?? ref;

/** The id of a schema's section, which every mention of the schema links to. */
const schemaAnchor = (name: string) => `schema-${name}`;

/** Prose of the document with its `code spans` as <code>; the rest is text, escaped as any. */
function Prose({ text }: { text: string | undefined }) {
  // split() with a capturing group: text at even indexes, the spans' contents at odd ones.
  return <>{(text ?? '').split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</>;
}

/** A schema's type in a line, each named schema a link to its section below. */
function Type({ schema }: { schema: Schema | undefined }) {
  if (!schema) return <>any</>;
  if (schema.$ref) return <a href={`#${schemaAnchor(refName(schema.$ref))}`}>{refName(schema.$ref)}</a>;
  if (schema.enum) return <>{schema.enum.map((v) => JSON.stringify(v)).join(' | ')}</>;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return <>{alternatives.map((alternative, i) => <>{i > 0 ? ' | ' : ''}<Type schema={alternative} /></>)}</>;
  if (schema.type === 'array') return <><Type schema={schema.items} />[]</>;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'object');
  return <>{schema.format ? `${type} (${schema.format})` : type}</>;
}

/** A field's description, then its limits (written as they are: a pattern is not prose). */
function FieldNotes({ field }: { field: Schema }) {
  const limits = [field.pattern ? `pattern ${field.pattern}` : '', field.maxLength ? `≤ ${field.maxLength} chars` : '', field.default !== undefined ? `default ${JSON.stringify(field.default)}` : ''].filter(Boolean);
  return <><Prose text={field.description} />{field.description && limits.length > 0 ? '; ' : ''}{limits.join('; ')}</>;
}

function Fields({ schema }: { schema: Schema }) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <code><Type schema={schema} /></code>;
  return (
    <table>
      <thead>
        <tr><th>field</th><th>type</th><th>required</th><th>notes</th></tr>
      </thead>
      <tbody>
        {properties.map(([name, prop]) => (
          <tr>
            <td><code>{name}</code></td>
            <td><Type schema={prop} /></td>
            <td>{schema.required?.includes(name) ? 'yes' : ''}</td>
            <td><FieldNotes field={prop} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function renderApiReference(doc: Doc): string {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const page = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{doc.info.title} reference</title>
        <style>{`body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
code{background:#f3f3f3;padding:0 .25rem;border-radius:3px;overflow-wrap:anywhere}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}
section{border-top:2px solid #eee;padding-top:.5rem;margin-top:1.5rem}`}</style>
      </head>
      <body>
        <h1>{doc.info.title} <small>v{doc.info.version}</small></h1>
        <p><Prose text={doc.info.description} /></p>
        <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Base path <code>/v1</code>; authenticate with <code>Authorization: Bearer &lt;api key&gt;</code>.</p>
        <h2>Endpoints</h2>
        <ul>
          {operations.map(({ path, method, op }) => (
            <li><a href={`#${method}-${path}`}><span class="m">{method}</span><code>{path}</code></a> — <Prose text={op.summary} /></li>
          ))}
        </ul>
        {operations.map(({ path, method, op }) => {
          const bodySchema = op.requestBody?.content['application/json']?.schema;
          return (
            <section id={`${method}-${path}`}>
              <h3><span class="m">{method}</span><code>/v1{path}</code></h3>
              <p><Prose text={op.summary} /></p>
              {op.parameters?.length ? (
                <>
                  <h4>Parameters</h4>
                  <table>
                    <tbody>
                      {op.parameters.map((p) => (
                        <tr><td><code>{p.name}</code></td><td>{p.in}</td><td><Type schema={p.schema} /></td><td>{p.required ? 'required' : ''} <Prose text={p.description ?? p.schema?.description} /></td></tr>
                      ))}
                    </tbody>
                  </table>
                </>
              ) : null}
              {bodySchema ? (<><h4>Body</h4><p><code><Type schema={bodySchema} /></code></p></>) : null}
              <h4>Responses</h4>
              <ul>{Object.entries(op.responses ?? {}).map(([status, r]) => <li><code>{status}</code> <Prose text={r.description} /></li>)}</ul>
            </section>
          );
        })}
        <h2>Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
          <section id={schemaAnchor(name)}>
            <h3>{name}</h3>
            <Fields schema={schema} />
          </section>
        ))}
      </body>
    </html>
  );
  return `<!doctype html>${page}`;
}
