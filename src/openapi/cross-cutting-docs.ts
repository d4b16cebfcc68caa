import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ErrorCode, errorStatus } from '../common/errors/error-code';
import { RAW_UPLOAD_TYPES } from '../common/http/upload-body';
import { ERROR_REF, errorContent, responseRef, SHARED_RESPONSES, type SharedResponse } from './error-docs';
import { type ErrorDoc, OPERATION_DOCS, type OperationDoc } from './operation-docs';
import { OPERATION_EXAMPLES } from './operation-examples';
import type { RouteAccess } from './route-access';
import {
  headerRef,
  isInlineCopy,
  parameterRef,
  RATE_LIMIT_HEADERS,
  SHARED_HEADERS,
  SHARED_PARAMETERS,
} from './shared-headers';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];
type Response = ResponseObject | ReferenceObject;

const PAGING = new Set(['page', 'per_page', 'cursor']);
const IDEMPOTENCY_CODES = new Set<ErrorCode>([ErrorCode.IdempotencyKeyInUse, ErrorCode.IdempotencyKeyMismatch]);
const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

interface ErrorEntry {
  code: ErrorCode;
  when: string;
  example?: { message?: string; extra?: Record<string, unknown> };
  /** Generic guess, dropped once the operation's own table names a code of that status. */
  fallback?: boolean;
}

/** What one error status of an operation answers: a shared component, or entries described inline. */
interface StatusPlan {
  shared?: SharedResponse;
  entries: ErrorEntry[];
}

/**
 * What the guard, the pipes and the idempotency interceptor add to every authenticated route,
 * documented here once rather than on each handler, plus each operation's description (its text,
 * scopes, filters and errors), examples and shared headers.
 */
export function addCrossCuttingDocs(
  document: OpenAPIObject,
  access: ReadonlyMap<string, RouteAccess>,
  summaryOf: (operationId: string) => string,
  locating: ReadonlySet<string> = new Set(),
  conditional: ReadonlyMap<string, string> = new Map(),
): OpenAPIObject {
  document.components = {
    ...document.components,
    headers: { ...SHARED_HEADERS },
    parameters: { ...SHARED_PARAMETERS },
    responses: { ...SHARED_RESPONSES },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation?.operationId) continue;
      const id = operation.operationId;
      if (!operation.summary) operation.summary = summaryOf(id);
      // A raw upload is the file's bytes, whatever schema the route gives its JSON and multipart forms.
      const content = (operation.requestBody as RequestBodyObject | undefined)?.content ?? {};
      for (const type of RAW_UPLOAD_TYPES) if (content[type]) content[type] = { schema: { type: 'string', format: 'binary' } };
      const route = access.get(id);
      const doc = OPERATION_DOCS[id];
      const authenticated = route !== undefined && !route.public;
      const envelope = conditional.get(id);
      if (envelope !== undefined) addConditional(operation, method);
      if (route && !route.public) {
        addErrorResponses(operation, method, path, route, doc, envelope !== undefined);
        if (method === 'post') addIdempotencyKey(operation);
      } else {
        // Query strings are strict everywhere (contract §10), public routes included.
        operation.responses['400'] ??= responseRef('UnknownParameter');
      }
      describeSuccesses(document, operation, method);
      addHeaders(operation, method, authenticated, locating.has(id), tagged(document, operation, method, envelope));
      addExamples(operation, id);
      operation.description = describeOperation(document, operation, method, route, doc);
    }
  }
  return document;
}

function addErrorResponses(
  operation: OperationObject,
  method: Method,
  path: string,
  route: Exclude<RouteAccess, { public: true }>,
  doc: OperationDoc | undefined,
  conditional = false,
): void {
  const responses = operation.responses;
  const params = (operation.parameters ?? []) as ParameterObject[];
  const hasBody = operation.requestBody !== undefined;
  const readsInput = hasBody || params.some((p) => p.in === 'query');
  const pathParam = params.find((p) => p.in === 'path');
  const declared = (status: number) => responses[String(status)] as ResponseObject | undefined;

  const plan = new Map<number, StatusPlan>();
  const entries = (status: number) => {
    if (!plan.has(status)) plan.set(status, { entries: [] });
    return plan.get(status) as StatusPlan;
  };
  entries(400).shared = readsInput ? 'ValidationFailed' : 'BadRequest';
  entries(401).shared = 'Unauthorized';
  entries(403).entries.push(forbiddenEntry(route));
  if (/module_disabled/.test(declared(403)?.description ?? '')) {
    entries(403).entries.push({
      code: ErrorCode.ModuleDisabled,
      when: 'An admin has switched the inventory module off.',
    });
  }
  if (pathParam) {
    const resource = resourceOf(path);
    entries(404).entries.push({
      code: ErrorCode.NotFound,
      when: `No ${resource.toLowerCase()} with that \`${pathParam.name}\` is visible to the caller.`,
      example: { message: `${resource} 42 not found` },
    });
  }
  if (hasBody) {
    const custom = declared(404)?.description;
    entries(404).entries.push({
      code: ErrorCode.NotFound,
      when: custom && !pathParam ? `${custom}.` : 'A resource the body names (project, task, client...) does not exist.',
      fallback: true,
    });
    entries(413).shared = 'PayloadTooLarge';
    entries(415).shared = 'UnsupportedMediaType';
  }
  if (method === 'post') {
    entries(409).entries.push({
      code: ErrorCode.IdempotencyKeyInUse,
      when: 'A request with the same `Idempotency-Key` is still running (`Retry-After: 1`).',
    });
    entries(422).shared = 'IdempotencyKeyMismatch';
  } else if (method !== 'get' && conditional) {
    entries(409).entries.push({
      code: ErrorCode.Conflict,
      when: '`If-Match` names no current `ETag`: the resource changed since it was read, and nothing was changed.',
    });
  } else if (method !== 'get') {
    entries(409).entries.push({
      code: ErrorCode.Conflict,
      when: 'The change clashes with the current state (a duplicate name or code, a stale `If-Match`...).',
      fallback: true,
    });
  }
  entries(429).shared = 'RateLimited';
  entries(503).shared = 'ServiceUnavailable';

  // The operation's own codes replace the generic guesses (and the shared text) of their status.
  for (const [code, spec] of Object.entries(doc?.errors ?? {}) as Array<[ErrorCode, ErrorDoc]>) {
    const status = entries(errorStatus(code));
    status.shared = undefined;
    status.entries = status.entries.filter((e) => !e.fallback);
    status.entries.push(typeof spec === 'string' ? { code, when: spec } : { code, when: spec.when, example: spec });
  }

  for (const [status, { shared, entries: list }] of plan) {
    const key = String(status);
    const existing = declared(status);
    const ownSchema = existing?.content?.['application/json']?.schema;
    const ownBody = ownSchema && !('$ref' in ownSchema && ownSchema.$ref === ERROR_REF) ? ownSchema : undefined;
    if (ownBody) {
      // A route that documents its own body for this status (the CSV import's 422): either shape.
      const sharedDoc = shared ? SHARED_RESPONSES[shared] : undefined;
      const codes = sharedDoc ? codesIn(sharedDoc.description) : list.map((e) => e.code);
      const text = sharedDoc ? sharedDoc.description : describeEntries(list);
      const errorMedia = errorContent(codes)['application/json'];
      responses[key] = {
        ...existing,
        description: `${withStop(existing?.description ?? '')} Or ${text}`,
        content: { 'application/json': { schema: { oneOf: [ownBody, { $ref: ERROR_REF }] }, examples: errorMedia.examples } },
      };
    } else if (shared) {
      responses[key] = responseRef(shared);
    } else if (list.length > 0) {
      // The operation's own codes first; the idempotency layer's, which every POST shares, last.
      list.sort((a, b) => Number(IDEMPOTENCY_CODES.has(a.code)) - Number(IDEMPOTENCY_CODES.has(b.code)));
      responses[key] = {
        description: describeEntries(list),
        content: errorContent(list.map((e) => ({ code: e.code, message: e.example?.message, extra: e.example?.extra }))),
      };
    }
  }
  // Any other error status a handler declares by description only carries the envelope too.
  for (const [status, response] of Object.entries(responses) as Array<[string, Response]>) {
    if (Number(status) < 400 || '$ref' in response || response.content) continue;
    const codes = codesIn(response.description);
    response.content = codes.length > 0 ? errorContent(codes) : { 'application/json': { schema: { $ref: ERROR_REF } } };
  }
}

function forbiddenEntry(route: Exclude<RouteAccess, { public: true }>): ErrorEntry {
  const quoted = route.scopes.map((s) => `'${s}'`).join(' or ');
  const needed = route.anyScope ? quoted : `'${route.scopes[0]}'`;
  const available = ['read:projects', 'read:time_entries'].filter((s) => !(route.scopes as string[]).includes(s));
  const scopes = route.scopes.map((s) => `\`${s}\``).join(route.anyScope ? ' or ' : ' and ');
  return {
    code: ErrorCode.Forbidden,
    when:
      `The token lacks ${scopes} (the body names \`required_scope\` and \`available_scopes\`)` +
      (route.adminRole ? ", or the token's user does not have the admin role." : '.'),
    example: {
      message: `This endpoint requires the ${needed} scope`,
      extra: { required_scope: route.scopes[0], available_scopes: available },
    },
  };
}

/** "Time entry" for /api/v1/time-entries/{id}: the collection just before the first path parameter. */
function resourceOf(path: string): string {
  const segments = path.split('/');
  const collection = segments[segments.findIndex((s) => s.startsWith('{')) - 1] ?? '';
  return RESOURCE_NAMES[collection] ?? 'Resource';
}

const RESOURCE_NAMES: Record<string, string> = {
  'api-tokens': 'API token',
  clients: 'Client',
  items: 'Stock item',
  movements: 'Stock movement',
  projects: 'Project',
  tasks: 'Task',
  'time-entries': 'Time entry',
  transfers: 'Transfer',
  users: 'User',
  warehouses: 'Warehouse',
  webhooks: 'Webhook',
};

/** "`conflict`: when. `idempotency_key_in_use`: when.", one sentence group per code. */
function describeEntries(entries: ErrorEntry[]): string {
  const byCode = new Map<ErrorCode, string[]>();
  for (const e of entries) byCode.set(e.code, [...(byCode.get(e.code) ?? []), withStop(e.when)]);
  return [...byCode].map(([code, whens]) => `\`${code}\`: ${whens.join(' Or: ')}`).join(' ');
}

const withStop = (text: string) => (/[.!?)]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** The error codes a description names (in backticks), in order. */
function codesIn(text: string): ErrorCode[] {
  const found = [...text.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).filter((c) => ERROR_CODES.has(c));
  return [...new Set(found)] as ErrorCode[];
}

/**
 * Conditional requests (contract §10, `@Conditional()`): a GET takes `If-None-Match` and may answer
 * 304; a write takes `If-Match` (its 409 is added with the other errors).
 */
function addConditional(operation: OperationObject, method: Method): void {
  const read = method === 'get';
  operation.parameters = [...(operation.parameters ?? []), parameterRef(read ? 'IfNoneMatch' : 'IfMatch')];
  if (read) operation.responses['304'] = responseRef('NotModified');
}

/** Whether the 200 carries an `ETag`: every conditional GET, and a write whose answer holds the resource. */
function tagged(document: OpenAPIObject, operation: OperationObject, method: Method, envelope: string | undefined) {
  if (envelope === undefined) return false;
  if (method === 'get') return true;
  const ok: Response | undefined = operation.responses['200'];
  if (!ok || '$ref' in ok) return false;
  const schema = resolveSchema(document, ok.content?.['application/json']?.schema);
  return schema?.properties?.[envelope] !== undefined;
}

function addIdempotencyKey(operation: OperationObject): void {
  operation.parameters = [
    ...(operation.parameters ?? []),
    {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        '1-128 visible ASCII characters. Retries with the same key and request replay the stored response ' +
        '(`Idempotent-Replayed: true`) for 24 h; another request with the key gets 422; a retry while the first ' +
        'runs gets 409.',
      schema: { type: 'string', maxLength: 128 },
    },
  ];
}

/** Success responses say what they return; Nest leaves the description empty unless told. */
function describeSuccesses(document: OpenAPIObject, operation: OperationObject, method: Method): void {
  for (const [status, response] of Object.entries(operation.responses) as Array<[string, Response]>) {
    if (!status.startsWith('2') || '$ref' in response || response.description) continue;
    const schema = resolveSchema(document, response.content?.['application/json']?.schema);
    const keys = (schema?.required ?? Object.keys(schema?.properties ?? {})).filter((k) => k !== 'message');
    const verb =
      status === '201'
        ? 'Created'
        : status === '202'
          ? 'Accepted (sent outside the request)'
          : { get: 'OK', post: 'OK', put: 'Updated', patch: 'Updated', delete: 'Deleted' }[method];
    const listed = keys.filter((k) => k !== 'pagination');
    // "the `project`" for a wrapped resource; a lone list or value is named as it is.
    const single = listed.length === 1 ? schema?.properties?.[listed[0]] : undefined;
    const wrapped = single !== undefined && ('$ref' in single || 'allOf' in single);
    const what = keys.includes('pagination')
      ? `one page of ${list(listed)}, with \`pagination\``
      : wrapped
        ? `the \`${listed[0]}\``
        : list(listed);
    response.description = what ? `${verb}: ${what}.` : `${verb}.`;
  }
}

function resolveSchema(
  document: OpenAPIObject,
  schema: SchemaObject | ReferenceObject | undefined,
): SchemaObject | undefined {
  if (!schema) return undefined;
  if (!('$ref' in schema)) return schema;
  const target = document.components?.schemas?.[schema.$ref.split('/').pop() as string];
  return resolveSchema(document, target);
}

const list = (keys: string[]) => {
  const quoted = keys.map((k) => `\`${k}\``);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
};

/**
 * Shared headers by $ref: the request id everywhere, rate limits once past the token check, replays
 * on POST, `Location` on the 201 of a route that declares one (`@CreatedLocation`), and `ETag` on the 200
 * of a `@Conditional()` one.
 */
function addHeaders(
  operation: OperationObject,
  method: Method,
  authenticated: boolean,
  locates: boolean,
  tagged = false,
): void {
  for (const [status, response] of Object.entries(operation.responses) as Array<[string, Response]>) {
    if ('$ref' in response) continue;
    const headers = { ...response.headers };
    for (const [name, header] of Object.entries(headers)) {
      if (isInlineCopy(name, header)) headers[name] = headerRef(name);
    }
    headers['X-Request-ID'] = headerRef('X-Request-ID');
    if (authenticated && status !== '401') {
      for (const name of RATE_LIMIT_HEADERS) headers[name] = headerRef(name);
    }
    if (status === '429' || status === '503') headers['Retry-After'] = headerRef('Retry-After');
    if (status === '201' && locates) headers.Location = headerRef('Location');
    if (status === '200' && tagged) headers.ETag = headerRef('ETag');
    if (authenticated && method === 'post') {
      if (status === '409') headers['Retry-After'] = headerRef('Retry-After');
      // Stored and replayed: 2xx and the business-rule 4xx (contract §5).
      if (/^(2..|404|409|422)$/.test(status)) headers['Idempotent-Replayed'] = headerRef('Idempotent-Replayed');
    }
    response.headers = headers;
  }
}

function addExamples(operation: OperationObject, id: string): void {
  const examples = OPERATION_EXAMPLES[id];
  if (!examples) return;
  const body = operation.requestBody;
  if (examples.request && body && !('$ref' in body) && body.content['application/json']) {
    body.content['application/json'].examples = { default: examples.request };
  }
  const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))?.[1];
  const media = success && !('$ref' in success) ? success.content?.['application/json'] : undefined;
  if (examples.response && media) media.examples = { default: examples.response };
}

/** The hand-written text, then what is generated from the route: scopes, filters, idempotency, errors. */
function describeOperation(
  document: OpenAPIObject,
  operation: OperationObject,
  method: Method,
  route: RouteAccess | undefined,
  doc: OperationDoc | undefined,
): string {
  const parts: string[] = [];
  if (doc) parts.push(doc.text);
  if (!route || route.public) {
    parts.push('**Authentication:** none; this endpoint is public.');
  } else {
    const scopes = route.scopes.map((s) => `\`${s}\``);
    parts.push(
      route.anyScope
        ? `**Scopes:** any one of ${scopes.join(' or ')}.`
        : `**Scopes:** ${scopes.join(' and ')}${route.adminRole ? "; the token's user must have the admin role" : ''}.`,
    );
  }
  const query = ((operation.parameters ?? []) as ParameterObject[]).filter((p) => p.in === 'query').map((p) => p.name);
  const filters = query.filter((name) => !PAGING.has(name));
  const paging = query.filter((name) => PAGING.has(name));
  const lines: string[] = [];
  if (filters.length > 0) lines.push(`**${method === 'get' ? 'Filters' : 'Query parameters'}:** ${list(filters)}.`);
  if (paging.length > 0) lines.push(`**Pagination:** ${list(paging)}.`);
  if (lines.length > 0) parts.push(lines.join(' '));
  if (route && !route.public && method === 'post') {
    parts.push('**Idempotency:** send `Idempotency-Key` to make retries safe.');
  }
  const errors = errorSummary(document, operation);
  if (errors) parts.push(`**Errors:** ${errors}.`);
  return parts.join('\n\n');
}

/** "400 `validation_error`, `bad_request`; 401 `unauthorized`; ...", from the responses themselves. */
function errorSummary(document: OpenAPIObject, operation: OperationObject): string {
  const statuses = Object.keys(operation.responses)
    .filter((status) => Number(status) >= 400)
    .sort((a, b) => Number(a) - Number(b));
  return statuses
    .map((status) => {
      const response = resolveResponse(document, operation.responses[status] as Response);
      const codes = codesIn(response.description).map((c) => `\`${c}\``);
      const schema = response.content?.['application/json']?.schema;
      const ownBody = schema && !('$ref' in schema && schema.$ref === ERROR_REF);
      // A status with its own body (health's 503, the import's 422), or without codes, says what it means.
      const meaning =
        ownBody || codes.length === 0 ? response.description.split(/\. Or /)[0].replace(/\.$/, '') : '';
      if (!meaning) return `${status} ${codes.join(', ')}`;
      return codes.length > 0 ? `${status}: ${meaning}, or ${codes.join(', ')}` : `${status}: ${meaning}`;
    })
    .join('; ');
}

function resolveResponse(document: OpenAPIObject, response: Response): ResponseObject {
  if (!('$ref' in response)) return response;
  return resolveResponse(document, document.components?.responses?.[response.$ref.split('/').pop() as string] as Response);
}
