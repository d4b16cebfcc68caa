import type { IncomingHttpHeaders } from 'node:http';

export type ExtractedToken =
  { kind: 'missing' } | { kind: 'malformed' } | { kind: 'ambiguous' } | { kind: 'token'; token: string };

const present = (value: string | string[] | undefined): value is string =>
  typeof value === 'string' && value.trim() !== '';

/**
 * `Authorization: Bearer <t>` or `Token <t>`, or `X-API-Key: <t>`; never both: a request that
 * uses more than one method is refused (RFC 6750 §3.1), rather than silently preferring one.
 */
export function extractToken(headers: IncomingHttpHeaders): ExtractedToken {
  const authorization = headers.authorization;
  const apiKey = headers['x-api-key'];
  if (present(authorization) && present(apiKey)) return { kind: 'ambiguous' };
  if (present(authorization)) {
    const match = /^(Bearer|Token)\s+(\S+)\s*$/i.exec(authorization.trim());
    return match ? { kind: 'token', token: match[2] } : { kind: 'malformed' };
  }
  if (present(apiKey)) return { kind: 'token', token: apiKey.trim() };
  return { kind: 'missing' };
}
