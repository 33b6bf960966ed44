// The /v1 OpenAPI document as the API behaves. Routes describe what their handlers answer; what
// the middleware in front of every route answers (a body's size and type checked, malformed JSON,
// Idempotency-Key honoured on POST) is written into each operation here, once, from the same
// rules the middleware follows, so no route can forget it.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { ERROR_STATUS } from '../lib/errors.js';
import { isBodySizeChecked } from './body-limit.js';
import { IDEMPOTENCY_CLAIM_ABANDONED_MS, IDEMPOTENCY_KEY_TTL_MS } from './idempotency-keys.js';
import { acceptedBodyTypes, IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENT_METHOD, isBodyTypeChecked } from './middleware.js';

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
    'with another body, Content-Type (a CSV’s charset) or path it is 422 `idempotency_key_reused`, and while the first request still runs 409 `idempotency_key_in_use`; ' +
    `a retry ${IDEMPOTENCY_CLAIM_ABANDONED_MS / 60_000} minutes or more after a first request that never answered (cut off by a crash or a restart) runs instead. ` +
    'Refusals of the request as sent (400, 401, 413, 415, 422, 429), refusals with `Retry-After` and 5xx are not kept, so the corrected or later retry runs.',
};

/** `doc` with what the /v1 middleware adds to each operation described in it. */
export function withMiddlewareDescribed(doc: ApiDocument): ApiDocument {
  const paths = Object.entries(doc.paths ?? {}).map(([path, item]) => [path, describePathItem(path, item)] as const);
  return { ...doc, paths: Object.fromEntries(paths) };
}

function describePathItem(path: string, item: PathItem): PathItem {
  const described = { ...item };
  for (const method of HTTP_METHODS) {
    const operation = item[method];
    if (operation) described[method] = describeOperation(method.toUpperCase(), path, operation);
  }
  return described;
}

function describeOperation(method: string, path: string, operation: Operation): Operation {
  const answered = withAnswers(operation, middlewareAnswers(method, path, operation));
  return method === IDEMPOTENT_METHOD ? withIdempotencyKey(answered) : answered;
}

/** A refusal the middleware can give, as a sentence the document says under its status. */
type MiddlewareAnswer = { status: number; says: string };

const IDEMPOTENCY_ANSWERS: readonly MiddlewareAnswer[] = [
  { status: ERROR_STATUS.bad_request, says: `The ${IDEMPOTENCY_KEY_HEADER} is empty or longer than ${IDEMPOTENCY_KEY_MAX_LENGTH} characters (\`bad_request\`)` },
  { status: ERROR_STATUS.idempotency_key_in_use, says: `A request with this ${IDEMPOTENCY_KEY_HEADER} is still running (\`idempotency_key_in_use\`): retry shortly; a request cut off before it answered frees the key ${IDEMPOTENCY_CLAIM_ABANDONED_MS / 60_000} minutes after it began` },
  { status: ERROR_STATUS.idempotency_key_reused, says: `This ${IDEMPOTENCY_KEY_HEADER} was first used with another body, Content-Type or path (\`idempotency_key_reused\`): send that request again, or use a new key` },
];

/**
 * What the /v1 middleware answers for an operation, whatever its handler does: 413 on every
 * method that may carry a body and 415 on those whose body type is checked (api/body-limit.ts,
 * requireJsonBodies), even where the operation takes no body; 400 for a JSON body that does not
 * parse; the Idempotency-Key's 400, 409 and 422 on POST.
 */
function middlewareAnswers(method: string, path: string, operation: Operation): MiddlewareAnswer[] {
  const takesBody = operation.requestBody !== undefined;
  const answers: MiddlewareAnswer[] = [];
  if (isBodySizeChecked(method)) answers.push({ status: ERROR_STATUS.payload_too_large, says: bodySizeRefusal(takesBody) });
  if (isBodyTypeChecked(method)) answers.push({ status: ERROR_STATUS.unsupported_media_type, says: bodyTypeRefusal(acceptedBodyTypes(path), takesBody) });
  if (bodyTypesOf(operation).includes('application/json')) answers.push({ status: ERROR_STATUS.malformed_json, says: 'The body is not valid JSON (`malformed_json`)' });
  if (method === IDEMPOTENT_METHOD) answers.push(...IDEMPOTENCY_ANSWERS);
  return answers;
}

const bodySizeRefusal = (takesBody: boolean) =>
  takesBody ? 'The body is larger than MAX_BODY_BYTES (`payload_too_large`)' : 'The operation takes no body; one larger than MAX_BODY_BYTES is refused (`payload_too_large`)';

const bodyTypeRefusal = (accepted: readonly string[], takesBody: boolean) =>
  takesBody
    ? `The body is not sent as ${accepted.join(' or ')} (\`unsupported_media_type\`)`
    : `The operation takes no body; a body or Content-Type other than ${accepted.join(' or ')} is refused (\`unsupported_media_type\`)`;

const bodyTypesOf = (operation: Operation): string[] => Object.keys(operation.requestBody && 'content' in operation.requestBody ? operation.requestBody.content : {});

/** `operation` with each answer under its status: added, or said after the route's own wording of that status. */
function withAnswers(operation: Operation, answers: readonly MiddlewareAnswer[]): Operation {
  const responses = { ...operation.responses };
  for (const { status, says } of answers) {
    const own = responses[status];
    if (!own) responses[status] = { description: says, content: ERROR_BODY };
    else if ('description' in own) responses[status] = { ...own, description: `${own.description}; or ${lowerFirst(says)}` };
  }
  return { ...operation, responses };
}

const lowerFirst = (sentence: string) => sentence.charAt(0).toLowerCase() + sentence.slice(1);

function withIdempotencyKey(operation: Operation): Operation {
  const parameters = operation.parameters ?? [];
  const declared = parameters.some((p) => 'name' in p && p.in === 'header' && p.name.toLowerCase() === IDEMPOTENCY_KEY_HEADER.toLowerCase());
  return declared ? operation : { ...operation, parameters: [...parameters, IDEMPOTENCY_KEY_PARAMETER] };
}
