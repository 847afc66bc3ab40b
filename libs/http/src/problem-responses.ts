import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { ACCEPTED_BODY_TYPES } from './body-media-type';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** The error body ProblemFilter writes (ErrorBody), and the 408 body-deadline.ts writes by hand. */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    code: { type: 'string', example: 'REQUEST.INVALID', description: 'stable: what a client branches on' },
    message: { type: 'string', description: '中文 / English, for a person' },
    errors: {
      type: 'array',
      description: 'the failing fields, when the refusal names any',
      items: {
        type: 'object',
        required: ['field', 'reason'],
        properties: { field: { type: 'string', example: 'name' }, reason: { type: 'string' } },
      },
    },
    correlationId: { type: 'string', description: 'also in the x-correlation-id header; quote it when asking about an answer' },
  },
};

const problem = (description: string, more: Partial<ResponseObject> = {}): ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
  ...more,
});

/** Refusals the platform answers for any route, wherever the route itself says nothing of them. */
const SHARED = {
  BadRequest: {
    status: '400',
    response: problem(
      'REQUEST.INVALID: a parameter, header or body field refused, each named in `errors`; REQUEST.MALFORMED: a body that is not JSON',
    ),
  },
  Unauthorized: {
    status: '401',
    response: problem(
      'AUTH.TOKEN_MISSING, or why the bearer token was refused: AUTH.TOKEN_EXPIRED, AUTH.TOKEN_INVALID, AUTH.TOKEN_TYPE, AUTH.CLIENT_NOT_ALLOWED',
    ),
  },
  Forbidden: {
    status: '403',
    response: problem(
      'AUTH.ROLE_REQUIRED: the token holds none of the roles the route takes; AUTH.OUT_OF_SCOPE: an organisation outside your subtree',
    ),
  },
  RequestTimeout: {
    status: '408',
    response: problem('REQUEST.TIMEOUT: the body did not arrive within its deadline; the connection is closed'),
  },
  PayloadTooLarge: { status: '413', response: problem('REQUEST.TOO_LARGE: the body is over the route’s limit (100 kB for JSON)') },
  UnsupportedMediaType: {
    status: '415',
    response: problem(
      `REQUEST.UNSUPPORTED_MEDIA_TYPE: a body not of the media types the operation lists (${ACCEPTED_BODY_TYPES.join(' or ')} where it lists none)`,
    ),
  },
  ServiceUnavailable: {
    status: '503',
    response: problem(
      'SERVICE.BUSY: the database out of reach for a moment, or the transaction lost a deadlock (nothing was kept); SERVER.STOPPING; AUTH.KEYS_UNAVAILABLE: Keycloak’s keys unreadable. Retry after Retry-After',
      { headers: { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } } } },
    ),
  },
} as const satisfies Record<string, { status: string; response: ResponseObject }>;

type Shared = keyof typeof SHARED;

const UNSAFE: readonly string[] = ['post', 'put', 'patch', 'delete'];

/** Which shared refusals `op` can meet: auth only behind a token, body refusals only where a body is read. */
function sharedRefusalsOf(op: OperationObject, method: string): Shared[] {
  const signedIn = Boolean(op.security?.length);
  const body = op.requestBody && 'content' in op.requestBody ? Object.keys(op.requestBody.content) : undefined;
  return [
    // A signed-in route refuses a query parameter it does not take, whatever it declares (ADR 0152).
    ...(signedIn || op.parameters?.length || body ? (['BadRequest'] as const) : []),
    ...(signedIn ? (['Unauthorized', 'Forbidden'] as const) : []),
    ...(body ? (['RequestTimeout', 'PayloadTooLarge'] as const) : []),
    // BodyMediaTypeGuard refuses a body of another type on a command that reads none, as an upload
    // refuses one not of the types it lists.
    ...(body || UNSAFE.includes(method) ? (['UnsupportedMediaType'] as const) : []),
    'ServiceUnavailable',
  ];
}

/**
 * The `Problem` schema and the refusals every service shares (auth, validation, body limits, a busy
 * database) on each operation they apply to, as `#/components/responses` references: Swagger lists
 * only what a route's own decorators declare, so a client read of them nowhere. A response the
 * operation declares itself (a public ballot's own 403, an upload's 413) is kept; a signed-in
 * route's own 403 (its forbidden rules) is kept with the shared role and scope refusals after it.
 */
export function documentProblemResponses(doc: OpenAPIObject): void {
  doc.components = {
    ...doc.components,
    schemas: { ...doc.components?.schemas, Problem: PROBLEM_SCHEMA },
    responses: {
      ...doc.components?.responses,
      ...Object.fromEntries(Object.entries(SHARED).map(([name, { response }]) => [name, response])),
    },
  };
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      for (const name of sharedRefusalsOf(op, method)) {
        const { status, response } = SHARED[name];
        const own = op.responses[status];
        // A route's own 403 (its forbidden rules) is answered beside the shared role and scope refusals: listed with them.
        if (name === 'Forbidden' && own && !('$ref' in own)) {
          // Once, should the document be passed here again.
          if (!own.description.includes(response.description))
            op.responses[status] = {
              ...own,
              description: `${own.description}; ${response.description}`,
              content: own.content ?? response.content,
            };
        } else op.responses[status] ??= { $ref: `#/components/responses/${name}` };
      }
    }
  }
}
