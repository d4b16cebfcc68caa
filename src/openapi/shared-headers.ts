import type {
  HeaderObject,
  ParameterObject,
  ReferenceObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * Response headers the platform sets on many routes, declared once in `components.headers` and
 * referenced by name. Descriptions are Markdown: anything with angle brackets goes in backticks,
 * or Swagger UI takes it for HTML and drops it.
 */
export const SHARED_HEADERS = {
  'X-Request-ID': {
    description:
      "Id of this request: the client's own `X-Request-ID` when it sent a sane one, else generated. " +
      'Error bodies repeat it as `request_id`.',
    schema: { type: 'string' },
  },
  'X-RateLimit-Limit': {
    description: 'Request limit of the tighter of the two per-token windows (minute, hour).',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the tighter window.',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Reset': {
    description: 'Unix time (seconds) when the tighter window has room again.',
    schema: { type: 'integer' },
  },
  'RateLimit-Policy': {
    description: 'IETF draft field listing both windows, e.g. `"minute";q=100;w=60, "hour";q=1000;w=3600`.',
    schema: { type: 'string' },
  },
  RateLimit: {
    description:
      'IETF draft field for the tighter window: `"<window>";r=<remaining>;t=<seconds>`, e.g. `"minute";r=99;t=60`.',
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer' },
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored response to an earlier request with the same `Idempotency-Key`, ' +
      'replayed without running anything again.',
    schema: { type: 'string', enum: ['true'] },
  },
  Location: {
    description:
      'Where the created resource is: `/api/v1/<resource>/<id>`, which a GET answers (also on an idempotent replay).',
    schema: { type: 'string' },
  },
  ETag: {
    description:
      'Strong validator of the resource as its GET shows it (a hash of that body; a write answers with the new ' +
      'one): send it back as `If-None-Match` to skip an unchanged body (304), or as `If-Match` to change the ' +
      'resource only if nothing changed since.',
    schema: { type: 'string' },
  },
} satisfies Record<string, HeaderObject>;

/** Request headers of the conditional requests (contract §10), in `components.parameters`. */
export const SHARED_PARAMETERS = {
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description:
      'An `ETag` of an earlier GET (or a list of them, or `*`): 304 with no body while it is still current.',
    schema: { type: 'string' },
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'The `ETag` of the last GET (or a list of tags, or `*`): the change is made only if the resource still has ' +
      'it (strong comparison), else 409 `conflict` and nothing changes.',
    schema: { type: 'string' },
  },
} satisfies Record<string, ParameterObject>;

export type SharedParameter = keyof typeof SHARED_PARAMETERS;

export function parameterRef(name: SharedParameter): ReferenceObject {
  return { $ref: `#/components/parameters/${name}` };
}

export type SharedHeader = keyof typeof SHARED_HEADERS;

/** What every authenticated response carries once the token passed its scope check (contract §4). */
export const RATE_LIMIT_HEADERS: readonly SharedHeader[] = [
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'RateLimit',
  'RateLimit-Policy',
];

export function headerRef(name: SharedHeader): ReferenceObject {
  return { $ref: `#/components/headers/${name}` };
}

/** True when `header` is an inline copy of the shared one (any description), so a $ref can take its place. */
export function isInlineCopy(name: string, header: HeaderObject | ReferenceObject): name is SharedHeader {
  if ('$ref' in header || !(name in SHARED_HEADERS)) return false;
  const shared = SHARED_HEADERS[name as SharedHeader];
  return JSON.stringify(header.schema) === JSON.stringify(shared.schema);
}
