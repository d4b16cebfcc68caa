import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
export const TOKEN_PATTERN = /^tt_[A-Za-z0-9_-]{32}$/;
export const TOKEN_PREFIX_LENGTH = 8;

/** `tt_` + 32 characters of [A-Za-z0-9_-] from the CSPRNG (64 symbols: 6 bits each, no bias). */
export function generateApiToken(): string {
  const bytes = randomBytes(32);
  let out = 'tt_';
  for (const byte of bytes) out += ALPHABET[byte & 63];
  return out;
}

/** Only this digest is stored; the plain token is shown once. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The 8-character display prefix (`tt_AbCdE`). */
export function tokenPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX_LENGTH);
}
