/** @jsxImportSource hono/jsx */
// /docs: a readable API reference rendered on the server from the OpenAPI document itself,
// so it can never drift from the API and needs no script or third-party asset.

type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]; description?: string; anyOf?: Schema[]; oneOf?: Schema[]; format?: string; pattern?: string; minimum?: number; maximum?: number; maxLength?: number; default?: unknown };
type Doc = { info: { title: string; description?: string; version: string }; paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
type Operation = { summary?: string; tags?: string[]; parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema; description?: string }>; requestBody?: { content: Record<string, { schema: Schema }> }; responses?: Record<string, { description?: string }> };

const refName = (ref: string) => ref.split('/').pop() ?? ref;

function typeLabel(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf || schema.oneOf) return (schema.anyOf ?? schema.oneOf ?? []).map(typeLabel).join(' | ');
  if (schema.type === 'array') return `${typeLabel(schema.items)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'object');
  return schema.format ? `${type} (${schema.format})` : type;
}

function Fields({ schema }: { schema: Schema }) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <code>{typeLabel(schema)}</code>;
  return (
    <table>
      <thead>
        <tr><th>field</th><th>type</th><th>required</th><th>notes</th></tr>
      </thead>
      <tbody>
        {properties.map(([name, prop]) => (
          <tr>
            <td><code>{name}</code></td>
            <td>{typeLabel(prop)}</td>
            <td>{schema.required?.includes(name) ? 'yes' : ''}</td>
            <td>{[prop.description, prop.pattern ? `pattern ${prop.pattern}` : '', prop.maxLength ? `≤ ${prop.maxLength} chars` : '', prop.default !== undefined ? `default ${JSON.stringify(prop.default)}` : ''].filter(Boolean).join('; ')}</td>
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
code{background:#f3f3f3;padding:0 .25rem;border-radius:3px}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}
section{border-top:2px solid #eee;padding-top:.5rem;margin-top:1.5rem}`}</style>
      </head>
      <body>
        <h1>{doc.info.title} <small>v{doc.info.version}</small></h1>
        <p>{doc.info.description}</p>
        <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Base path <code>/v1</code>; authenticate with <code>Authorization: Bearer &lt;api key&gt;</code>.</p>
        <h2>Endpoints</h2>
        <ul>
          {operations.map(({ path, method, op }) => (
            <li><a href={`#${method}-${path}`}><span class="m">{method}</span><code>{path}</code></a> — {op.summary}</li>
          ))}
        </ul>
        {operations.map(({ path, method, op }) => {
          const bodySchema = op.requestBody?.content['application/json']?.schema;
          return (
            <section id={`${method}-${path}`}>
              <h3><span class="m">{method}</span><code>/v1{path}</code></h3>
              <p>{op.summary}</p>
              {op.parameters?.length ? (
                <>
                  <h4>Parameters</h4>
                  <table>
                    <tbody>
                      {op.parameters.map((p) => (
                        <tr><td><code>{p.name}</code></td><td>{p.in}</td><td>{typeLabel(p.schema)}</td><td>{p.required ? 'required' : ''} {p.description ?? p.schema?.description ?? ''}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </>
              ) : null}
              {bodySchema ? (<><h4>Body</h4><p><code>{typeLabel(bodySchema)}</code></p></>) : null}
              <h4>Responses</h4>
              <ul>{Object.entries(op.responses ?? {}).map(([status, r]) => <li><code>{status}</code> {r.description}</li>)}</ul>
            </section>
          );
        })}
        <h2>Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
          <section id={`schema-${name}`}>
            <h3>{name}</h3>
            <Fields schema={schema} />
          </section>
        ))}
      </body>
    </html>
  );
  return `<!doctype html>${page}`;
}
