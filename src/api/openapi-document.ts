// The /v1 OpenAPI document as the API behaves. Routes describe what their handlers answer; what
// the middleware in front of every route does (a body's size and type checked, Idempotency-Key
// honoured on POST) is written into each operation here, once, so no route can forget it.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { IDEMPOTENCY_KEY_TTL_MS } from './idempotency-keys.js';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENT_METHOD } from './middleware.js';

export type ApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;
type PathItem = NonNullable<ApiDocument['paths']>[string];
type Operation = NonNullable<PathItem['get']>;
type Parameter = NonNullable<Operation['parameters']>[number];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** ErrorSchema's component (api/schemas.ts), the body of every refusal. */
const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

const IDEMPOTENCY_KEY_PARAMETER: Parameter = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
  description:
    `Makes a retry safe. Within ${IDEMPOTENCY_KEY_TTL_MS / 3_600_000} hours, the same key with the same body (JSON compared by meaning) gets the first answer back with \`Idempotent-Replayed: true\`; ` +
    'with another body or path it is 422 `idempotency_key_reused`, and while the first request still runs 409 `idempotency_key_in_use`. ' +
    'Refusals of the request as sent (400, 401, 413, 415, 422, 429) and 5xx are not kept, so the corrected retry runs.',
};

/** `doc` with what the /v1 middleware adds to each operation described in it. */
export function withMiddlewareDescribed(doc: ApiDocument): ApiDocument {
  const paths = Object.entries(doc.paths ?? {}).map(([path, item]) => [path, describePathItem(item)] as const);
  return { ...doc, paths: Object.fromEntries(paths) };
}

function describePathItem(item: PathItem): PathItem {
  const described = { ...item };
  for (const method of HTTP_METHODS) {
    const operation = item[method];
    if (operation) described[method] = describeOperation(method, operation);
  }
  return described;
}

function describeOperation(method: (typeof HTTP_METHODS)[number], operation: Operation): Operation {
  const withBody = operation.requestBody ? withBodyRefusals(operation) : operation;
  return method.toUpperCase() === IDEMPOTENT_METHOD ? withIdempotencyKey(withBody) : withBody;
}

/** 413 and 415 (api/body-limit.ts, requireJsonBodies): a route's own wording of either is kept. */
function withBodyRefusals(operation: Operation): Operation {
  const accepted = Object.keys(operation.requestBody && 'content' in operation.requestBody ? operation.requestBody.content : {});
  return {
    ...operation,
    responses: {
      413: { description: 'The body is larger than MAX_BODY_BYTES (`payload_too_large`)', content: ERROR_BODY },
      415: { description: `The body is not sent as ${accepted.join(' or ')} (\`unsupported_media_type\`)`, content: ERROR_BODY },
      ...operation.responses,
    },
  };
}

function withIdempotencyKey(operation: Operation): Operation {
  const parameters = operation.parameters ?? [];
  const declared = parameters.some((p) => 'name' in p && p.in === 'header' && p.name.toLowerCase() === IDEMPOTENCY_KEY_HEADER.toLowerCase());
  return declared ? operation : { ...operation, parameters: [...parameters, IDEMPOTENCY_KEY_PARAMETER] };
}
