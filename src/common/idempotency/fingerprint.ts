import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so key order and whitespace do not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Method + path + query string (parameters sorted by name) + canonical JSON body (or the body
 * bytes, for CSV and other raw bodies). `url` is the request target: the path and its query.
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  const queryAt = url.indexOf('?');
  const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
  query.sort();
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  // No query reads as before the query counted: keys stored by then still match their retries.
  const target = query.size === 0 ? path : `${path}?${query.toString()}`;
  const hash = createHash('sha256').update(`${method.toUpperCase()} ${target}\n`);
  if (typeof body === 'string' || Buffer.isBuffer(body)) hash.update(body);
  else if (body && typeof body === 'object' && Object.values(body).some((v) => Buffer.isBuffer(v))) {
    // A multipart upload: each field name and its bytes, in name order.
    for (const [name, value] of Object.entries(body as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) {
      hash.update(`${name}\0`);
      hash.update(Buffer.isBuffer(value) ? value : String(value));
      hash.update('\0');
    }
  } else hash.update(canonicalJson(body ?? null));
  return hash.digest('hex');
}

const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;
const QUOTED = /^"([^"\\]*)"$/;

/**
 * The key of an `Idempotency-Key` header, or null when it is not 1-128 visible ASCII characters
 * (contract §5). The IETF draft spells the key as a structured-field string (`"8e03..."`), most
 * clients send it bare: both name the same key. Two headers arrive joined by ", " and fail.
 */
export function parseIdempotencyKey(header: string): string | null {
  const key = QUOTED.exec(header)?.[1] ?? header;
  return KEY_PATTERN.test(key) ? key : null;
}
