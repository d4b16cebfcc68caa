import type { IncomingHttpHeaders } from 'node:http';

export type ExtractedToken = { kind: 'missing' } | { kind: 'malformed' } | { kind: 'token'; token: string };

/** `Authorization: Bearer <t>` or `Token <t>`, else `X-API-Key: <t>`. */
export function extractToken(headers: IncomingHttpHeaders): ExtractedToken {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.trim() !== '') {
    const match = /^(Bearer|Token)\s+(\S+)\s*$/i.exec(authorization.trim());
    return match ? { kind: 'token', token: match[2] } : { kind: 'malformed' };
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return { kind: 'token', token: apiKey.trim() };
  return { kind: 'missing' };
}
